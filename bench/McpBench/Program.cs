using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Hub.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Hub.Bench;
using ModelContextProtocol.Client;

// MCP latency: tools/list and a read tool (get_entry) over loopback HTTP against two real `hub serve` processes on one
// database, one with stateless HTTP (Hub:Mcp:HttpSessions=stateless, the default) and one with stateful sessions (each
// client holds a session and its GET stream for server notifications), at 1 and 20 concurrent clients, in the same run;
// then over stdio against `hub mcp`. Reference: an authenticated GET /api/v1/me on the same server.
const int WrkSeconds = 5;
var perClient = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 500;
var dataDir = Path.Combine(Path.GetTempPath(), "hub-bench-mcp-" + Guid.NewGuid().ToString("N")[..8]);
await using var site = await LoopbackServer.StartAsync();
site.MapFile("bench.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "mcpbench-" + Guid.NewGuid().ToString("N")[..6]), "video/mp4");
var env = new Dictionary<string, string?>
{
    ["ConnectionStrings__Hub"] = await TestPostgres.CreateDatabaseAsync("mcpbench"),
    ["Hub__DataDir"] = dataDir,
    ["Hub__Network__AllowPrivateNetworks"] = "true",
    ["Hub__Mcp__StdioWorkers"] = "false",
    ["Logging__LogLevel__Default"] = "Warning",
};
var token = (await HubProcess.RunAsync(["token", "create", "--name", "bench", "--role", "admin"], env)).Stdout.Trim().Split('\n')[^1].Trim();
var modes = new[] { "stateless", "stateful" };
var servers = new Dictionary<string, Uri>();
var processes = new List<HubProcess>();
// BENCH_BASE_HUB_DLL: another build's hub.dll (e.g. main's) served beside this one on the same database, for an A/B in one run.
var baseDll = Environment.GetEnvironmentVariable("BENCH_BASE_HUB_DLL") is { Length: > 0 } b ? Path.GetFullPath(b) : null;
var builds = baseDll is null ? new[] { "" } : ["", "base "];
foreach (var build in builds)
{
    foreach (var mode in modes)
    {
        var uri = new Uri($"http://127.0.0.1:{HubProcess.FreePort()}");
        string[] serve = ["serve", $"--urls={uri}", $"--Hub:Mcp:HttpSessions={mode}", "--Hub:Mcp:MaxSessionsPerToken=100"];
        var process = build.Length == 0 ? HubProcess.Start(serve, env)
            : HubProcess.StartProgram("dotnet", [baseDll!, .. serve], env, Path.GetDirectoryName(baseDll));
        processes.Add(process);
        servers[build + mode] = uri;
        await LiveAsync(process, uri); // one at a time: servers starting together on one fresh database can trip over each other
    }
}
var baseUri = servers["stateless"];
using var http = new HttpClient { BaseAddress = baseUri };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

// An entry to read: one real import through the pipeline.
await using (var setup = await HttpClientAsync(baseUri))
{
    var r = await setup.CallToolAsync("import_url", new Dictionary<string, object?> { ["url"] = site.Url("bench.mp4").AbsoluteUri, ["wait"] = true });
    var entryId = JsonDocument.Parse(((ModelContextProtocol.Protocol.TextContentBlock)r.Content[0]).Text).RootElement.GetProperty("job").GetProperty("entry_id").GetGuid();
    var readArgs = new Dictionary<string, object?> { ["entry_id"] = entryId };

    // wrk first: the load generator the issue names for HTTP figures (a C client, not the bottleneck; the SDK's .NET
    // client below parses every answer on the same two cores, which counts its own cost in MCP's figures and not in /me's).
    Console.WriteLine($"McpBench (wrk, {WrkSeconds} s per run): JSON-RPC POSTs to /mcp against GET /api/v1/me on the same server");
    Console.WriteLine($"{"case",-44} {"conns",7} {"p50 ms",8} {"p95 ms",8} {"p50/ref",8} {"p95/ref",8} {"req/s",8}");
    var statefulSession = await OpenSessionAsync(servers["stateful"]);
    var getEntryBody = JsonSerializer.Serialize(new { jsonrpc = "2.0", id = 2, method = "tools/call", @params = new { name = "get_entry", arguments = new { entry_id = entryId } } });
    const string ListBody = """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""";
    if (Environment.GetEnvironmentVariable("BENCH_TRACE") is { Length: > 0 } traceDir)
    {
        // A CPU profile of the stateless server under get_entry at 20 connections (dotnet-trace, 15 s), then stop.
        await WrkAsync(new Uri(baseUri, "/mcp"), 20, getEntryBody, null);
        var file = Path.Combine(traceDir, $"mcp-get-entry-{DateTime.UtcNow:HHmmss}.nettrace");
        var traced = await DotnetTrace.CollectAsync(processes[0].Pid, 15, file, () => Wrk.RunAsync(new Uri(baseUri, "/mcp"), 20, 17, 0, 0, token, getEntryBody, McpHeaders(null)));
        Console.WriteLine($"traced: get_entry stateless, 20 conns: p50 {traced.P50Ms:0.00} ms, p95 {traced.P95Ms:0.00} ms, {traced.Requests / traced.Seconds:0} req/s");
        foreach (var p in processes) await p.DisposeAsync();
        return 0;
    }
    var worst = builds.ToDictionary(x => x, _ => (P50: 0.0, P95: 0.0));
    var sessions = new Dictionary<string, string>();
    foreach (var build in builds)
    {
        sessions[build] = build.Length == 0 ? statefulSession : await OpenSessionAsync(servers[build + "stateful"]);
    }
    foreach (var conns in new[] { 1, 20 })
    {
        // With a base build, its runs alternate with this build's case by case, so load on the machine falls on both alike.
        foreach (var build in builds)
        {
            var reference = await WrkAsync(new Uri(servers[build + "stateless"], "/api/v1/me"), conns, null, null);
            PrintWrk($"{build}reference: GET /api/v1/me (bearer)", conns, reference, reference);
            // Not a target: the same entry read over REST, to tell MCP's own cost from the database read's.
            var rest = await WrkAsync(new Uri(servers[build + "stateless"], $"/api/v1/entries/{entryId}"), conns, null, null);
            PrintWrk($"{build}(same read) GET /api/v1/entries/{{id}}", conns, rest, reference);
            foreach (var (mode, session) in new[] { ("stateless", (string?)null), ("stateful", sessions[build]) })
            {
                foreach (var (what, body) in new[] { ("tools/list", ListBody), ("tools/call get_entry", getEntryBody) })
                {
                    var w = await WrkAsync(new Uri(servers[build + mode], "/mcp"), conns, body, session);
                    PrintWrk($"{build}MCP HTTP {mode} {what}", conns, w, reference);
                    worst[build] = (Math.Max(worst[build].P50, w.P50Ms / reference.P50Ms), Math.Max(worst[build].P95, w.P95Ms / reference.P95Ms));
                }
            }
        }
    }
    foreach (var (build, w) in worst)
    {
        Console.WriteLine($"{build}worst ratio to /me: p50 {w.P50:0.00} (target <= 3) {(w.P50 <= 3 ? "met" : "MISSED")}, p95 {w.P95:0.00} (target <= 5) {(w.P95 <= 5 ? "met" : "MISSED")}");
    }
    Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
    if (Environment.GetEnvironmentVariable("BENCH_WRK_ONLY") == "1")
    {
        foreach (var p in processes) await p.DisposeAsync();
        return 0;
    }
    Console.WriteLine();

    Console.WriteLine($"McpBench: {perClient} calls per client after a warm-up; {Environment.ProcessorCount} cores; stateless {servers["stateless"]}, stateful {servers["stateful"]}");
    Console.WriteLine($"{"case",-44} {"clients",7} {"p50 ms",8} {"p95 ms",8} {"p50/ref",8}");
    foreach (var clients in new[] { 1, 20 })
    {
        var reference = await MeasureAsync(clients, _ => Task.FromResult<Func<Task>>(async () => (await http.GetAsync("/api/v1/me")).EnsureSuccessStatusCode()));
        Print("reference: GET /api/v1/me (HTTP, bearer)", clients, reference, reference);
        // Modes alternate per client count so load on the machine falls on both alike.
        foreach (var mode in modes)
        {
            var mcpClients = new List<McpClient>();
            var list = await MeasureAsync(clients, async _ => { var c = await HttpClientAsync(servers[mode]); mcpClients.Add(c); return async () => await c.ListToolsAsync(); });
            Print($"MCP HTTP {mode} tools/list", clients, list, reference);
            var read = await MeasureAsync(clients, i => Task.FromResult<Func<Task>>(async () => Check(await mcpClients[i].CallToolAsync("get_entry", readArgs))));
            Print($"MCP HTTP {mode} tools/call get_entry", clients, read, reference);
            foreach (var c in mcpClients) await c.DisposeAsync();
        }
    }

    // stdio: one session (as Claude Desktop has), requests one at a time and 20 in flight.
    await using var stdio = await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
    {
        Name = "hub", Command = "dotnet", Arguments = [HubProcess.HubDll, "mcp"], EnvironmentVariables = env,
    }, NullLoggerFactory.Instance), loggerFactory: NullLoggerFactory.Instance);
    foreach (var clients in new[] { 1, 20 })
    {
        Print("MCP stdio tools/list", clients, await MeasureAsync(clients, _ => Task.FromResult<Func<Task>>(async () => await stdio.ListToolsAsync())), null);
        Print("MCP stdio tools/call get_entry", clients,
            await MeasureAsync(clients, _ => Task.FromResult<Func<Task>>(async () => Check(await stdio.CallToolAsync("get_entry", readArgs)))), null);
    }
}
Console.WriteLine("Targets (HTTP, wrk table): p50 <= 3x and p95 <= 5x those of GET /api/v1/me in the same run.");
foreach (var p in processes) await p.DisposeAsync();
try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
return 0;

static async Task LiveAsync(HubProcess process, Uri uri)
{
    using var probe = new HttpClient();
    while (true)
    {
        if (process.HasExited) throw new InvalidOperationException($"hub serve on {uri} exited ({process.ExitCode}):\n{process.Stderr}");
        try { if ((await probe.GetAsync(new Uri(uri, "/health/live"))).IsSuccessStatusCode) return; } catch (HttpRequestException) { }
        await Task.Delay(100);
    }
}

async Task<WrkResult> WrkAsync(Uri url, int conns, string? body, string? session)
{
    var headers = body is null ? new Dictionary<string, string>() : McpHeaders(session);
    await Wrk.RunAsync(url, conns, 2, 0, 0, token, body, headers); // warm-up (JIT, pools)
    return await Wrk.RunAsync(url, conns, WrkSeconds, 0, 0, token, body, headers);
}

static Dictionary<string, string> McpHeaders(string? session)
{
    var headers = new Dictionary<string, string>
    {
        ["Content-Type"] = "application/json",
        ["Accept"] = "application/json, text/event-stream",
        ["MCP-Protocol-Version"] = "2025-06-18",
    };
    if (session is not null) headers["Mcp-Session-Id"] = session;
    return headers;
}

static void PrintWrk(string name, int conns, WrkResult r, WrkResult reference) =>
    Console.WriteLine($"{name,-44} {conns,7} {r.P50Ms,8:0.00} {r.P95Ms,8:0.00} {r.P50Ms / reference.P50Ms,8:0.00} {r.P95Ms / reference.P95Ms,8:0.00} {r.Requests / r.Seconds,8:0}");

// A stateful session for wrk to reuse: initialize, take the Mcp-Session-Id, confirm with notifications/initialized.
async Task<string> OpenSessionAsync(Uri server)
{
    using var init = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/mcp"))
    {
        Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"wrk","version":"1"}}}""", System.Text.Encoding.UTF8, "application/json"),
    };
    init.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
    using var answer = (await http.SendAsync(init)).EnsureSuccessStatusCode();
    var session = answer.Headers.GetValues("Mcp-Session-Id").Single();
    using var done = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/mcp"))
    {
        Content = new StringContent("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", System.Text.Encoding.UTF8, "application/json"),
    };
    done.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
    done.Headers.TryAddWithoutValidation("Mcp-Session-Id", session);
    done.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-06-18");
    (await http.SendAsync(done)).EnsureSuccessStatusCode();
    return session;
}

async Task<McpClient> HttpClientAsync(Uri server) => await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
{
    Endpoint = new Uri(server, "/mcp"),
    TransportMode = HttpTransportMode.StreamableHttp,
    AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
}, NullLoggerFactory.Instance), loggerFactory: NullLoggerFactory.Instance);

static void Check(ModelContextProtocol.Protocol.CallToolResult r)
{
    if (r.IsError == true) throw new InvalidOperationException("tool error: " + ((ModelContextProtocol.Protocol.TextContentBlock)r.Content[0]).Text);
}

// Each client runs a warm-up, then perClient timed calls back to back; all clients run at once.
async Task<double[]> MeasureAsync(int clients, Func<int, Task<Func<Task>>> make)
{
    var calls = new Func<Task>[clients];
    for (var i = 0; i < clients; i++) calls[i] = await make(i);
    await Task.WhenAll(calls.Select(async call => { for (var k = 0; k < Math.Max(50, perClient / 5); k++) await call(); }));
    var samples = new double[clients][];
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
    {
        var s = new double[perClient];
        for (var k = 0; k < perClient; k++)
        {
            var t = Stopwatch.GetTimestamp();
            await calls[i]();
            s[k] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
        samples[i] = s;
    }));
    var all = samples.SelectMany(x => x).Order().ToArray();
    return all;
}

static void Print(string name, int clients, double[] sorted, double[]? reference)
{
    static double P(double[] s, double q) => s[Math.Min(s.Length - 1, (int)(q * s.Length))];
    var ratio = reference is null ? "" : (P(sorted, 0.5) / P(reference, 0.5)).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
    Console.WriteLine($"{name,-44} {clients,7} {P(sorted, 0.5),8:0.00} {P(sorted, 0.95),8:0.00} {ratio,8}");
}

using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Hub.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;

// MCP latency: tools/list and a read tool (get_entry) over loopback HTTP against two real `hub serve` processes on one
// database, one with stateless HTTP (Hub:Mcp:HttpSessions=stateless, the default) and one with stateful sessions (each
// client holds a session and its GET stream for server notifications), at 1 and 20 concurrent clients, in the same run;
// then over stdio against `hub mcp`. Reference: an authenticated GET /api/v1/me on the same server.
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
foreach (var mode in modes)
{
    var uri = new Uri($"http://127.0.0.1:{HubProcess.FreePort()}");
    processes.Add(HubProcess.Start(["serve", $"--urls={uri}", $"--Hub:Mcp:HttpSessions={mode}", "--Hub:Mcp:MaxSessionsPerToken=100"], env));
    servers[mode] = uri;
}
var baseUri = servers["stateless"];
using var http = new HttpClient { BaseAddress = baseUri };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
foreach (var uri in servers.Values)
{
    while (true)
    {
        try { if ((await http.GetAsync(new Uri(uri, "/health/live"))).IsSuccessStatusCode) break; } catch (HttpRequestException) { }
        await Task.Delay(100);
    }
}

// An entry to read: one real import through the pipeline.
await using (var setup = await HttpClientAsync(baseUri))
{
    var r = await setup.CallToolAsync("import_url", new Dictionary<string, object?> { ["url"] = site.Url("bench.mp4").AbsoluteUri, ["wait"] = true });
    var entryId = JsonDocument.Parse(((ModelContextProtocol.Protocol.TextContentBlock)r.Content[0]).Text).RootElement.GetProperty("job").GetProperty("entry_id").GetGuid();
    var readArgs = new Dictionary<string, object?> { ["entry_id"] = entryId };

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
Console.WriteLine("Targets (HTTP): p50 <= 2 ms, p95 <= 10 ms.");
foreach (var p in processes) await p.DisposeAsync();
try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
return 0;

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

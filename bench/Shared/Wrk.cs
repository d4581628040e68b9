using System.Diagnostics;
using System.Globalization;

namespace Hub.Bench;

/// <summary>One wrk run's figures, from the Lua <c>done</c> hook (latencies are request start to response end).</summary>
public sealed record WrkResult(long Bytes, double Seconds, long Requests, long Errors, double P50Ms, double P95Ms)
{
    public double MiBs => Bytes / Seconds / (1 << 20);
}

/// <summary>
/// Load from wrk (Debian <c>wrk</c>), a C load generator that is not the bottleneck the way a .NET client on the same
/// two cores would be. A Lua script picks a random range per request (or none for whole-file reads) and prints the
/// totals and the p50/p95 latency in a line this class parses.
/// </summary>
public static class Wrk
{
    private const string Script = """
        local size = tonumber(os.getenv("BENCH_SIZE"))
        local len = tonumber(os.getenv("BENCH_RANGE"))
        local body = os.getenv("BENCH_BODY")
        local n = 0
        function setup(thread) n = n + 1; thread:set("seed", n) end
        function init(args)
          math.randomseed(1000 + (seed or 0))
          headers = {}
          for k, v in pairs(wrk.headers) do headers[k] = v end
        end
        function request()
          if body ~= nil and body ~= "" then return wrk.format("POST", nil, headers, body) end
          if len == 0 then return wrk.format(nil, nil, headers) end
          local from = math.random(0, size - len)
          headers["Range"] = "bytes=" .. from .. "-" .. (from + len - 1)
          return wrk.format(nil, nil, headers)
        end
        function done(summary, latency, requests)
          local e = summary.errors
          io.write(string.format("BENCH %d %d %d %d %f %f\n", summary.bytes, summary.duration, summary.requests,
            e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(50) / 1000, latency:percentile(95) / 1000))
        end
        """;

    /// <summary>
    /// rangeBytes 0 reads the whole file per request; a <paramref name="postBody"/> POSTs it instead (with
    /// <paramref name="headers"/>, e.g. JSON-RPC to /mcp). Threads: one per core, at most one per connection.
    /// </summary>
    public static async Task<WrkResult> RunAsync(Uri url, int connections, double seconds, long fileSize, long rangeBytes,
        string? bearer = null, string? postBody = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var script = Path.Combine(Path.GetTempPath(), "hub-bench-ranges.lua");
        await File.WriteAllTextAsync(script, Script);
        var psi = new ProcessStartInfo("wrk") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        var threads = Math.Min(connections, Environment.ProcessorCount);
        foreach (var a in new[] { "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
            "-d", seconds.ToString(CultureInfo.InvariantCulture) + "s", "--timeout", "120s", "-s", script })
        {
            psi.ArgumentList.Add(a);
        }
        if (bearer is not null)
        {
            psi.ArgumentList.Add("-H");
            psi.ArgumentList.Add("Authorization: Bearer " + bearer);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            psi.ArgumentList.Add("-H");
            psi.ArgumentList.Add($"{name}: {value}");
        }
        psi.ArgumentList.Add(url.AbsoluteUri);
        psi.Environment["BENCH_BODY"] = postBody ?? "";
        psi.Environment["BENCH_SIZE"] = fileSize.ToString(CultureInfo.InvariantCulture);
        psi.Environment["BENCH_RANGE"] = rangeBytes.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("wrk did not start (apt-get install wrk)");
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("BENCH ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no result (exit {process.ExitCode}):\n{stdout}\n{stderr}");
        var f = line.Split(' ');
        var result = new WrkResult(long.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture) / 1e6,
            long.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[4], CultureInfo.InvariantCulture),
            double.Parse(f[5], CultureInfo.InvariantCulture), double.Parse(f[6], CultureInfo.InvariantCulture));
        if (result.Errors > 0)
        {
            throw new InvalidOperationException($"wrk saw {result.Errors} errors against {url} (non-2xx answers count):\n{stdout}");
        }
        return result;
    }
}

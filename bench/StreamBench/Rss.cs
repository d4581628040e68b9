using System.Globalization;

namespace StreamBench;

/// <summary>Resident set sizes in MiB from /proc: of one process, of its child processes, and the peak while work runs.</summary>
internal static class Rss
{
    public static double Of(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        return 0;
    }

    /// <summary>The anonymous (heaps, JIT code) and file-backed (mapped assemblies) parts of the RSS, as "anon X, files Y MiB".</summary>
    public static string Parts(int pid)
    {
        string Field(string name) => File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) is { } line
            ? (long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0).ToString("F0", CultureInfo.InvariantCulture)
            : "?";
        return $"anon {Field("RssAnon:")}, files {Field("RssFile:")} MiB";
    }

    /// <summary>Direct children (PostgreSQL when embedded, aria2, ffmpeg…), summed.</summary>
    public static double OfChildren(int pid)
    {
        double total = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var child)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (ppid == pid) total += Of(child);
            }
            catch (IOException) { } // gone meanwhile
        }
        return total;
    }

    /// <summary>CPU seconds (user + system) used so far by a process and its direct children (nginx's workers).</summary>
    public static double CpuSeconds(int pid) => Hub.Bench.ProcCpu.Seconds(pid);

    public static async Task<(T Result, double PeakMiB)> WhileAsync<T>(int pid, Func<Task<T>> work)
    {
        var peak = Of(pid);
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, Of(pid));
                try { await Task.Delay(100, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var result = await work();
        await stop.CancelAsync();
        await sampler;
        return (result, peak);
    }
}

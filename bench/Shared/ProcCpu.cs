using System.Globalization;

namespace Hub.Bench;

/// <summary>CPU time from /proc: of a process and its direct children (nginx's workers, PostgreSQL's backends).</summary>
public static class ProcCpu
{
    /// <summary>
    /// CPU seconds (user + system) used so far by <paramref name="pid"/> and its live direct children; with
    /// <paramref name="exitedChildren"/> also those of the children it has reaped (cutime + cstime: backends that exited).
    /// </summary>
    public static double Seconds(int pid, bool exitedChildren = false)
    {
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var p)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (p != pid && int.Parse(f[1], CultureInfo.InvariantCulture) != pid) continue;
                // Fields 14 to 17 of stat (utime, stime, cutime, cstime) in clock ticks of 1/100 s.
                ticks += long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
                if (p == pid && exitedChildren)
                {
                    ticks += long.Parse(f[13], CultureInfo.InvariantCulture) + long.Parse(f[14], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // gone meanwhile
            }
        }
        return ticks / 100.0;
    }
}

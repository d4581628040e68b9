using System.Globalization;

namespace Hub.Domain.Jobs;

/// <summary>
/// The process that holds a lease, as recorded on the job: host name, kernel boot id, pid and the process's start
/// time (clock ticks since boot, from /proc). Together they tell a dead predecessor on this host from a live worker:
/// a pid is reused (and is always 1 in a container), a pid with the same start time in the same boot is not.
/// </summary>
public sealed record WorkerIdentity(string Host, string? BootId, int Pid, long? StartTicks)
{
    private static readonly Lazy<WorkerIdentity> Self = new(() =>
        new WorkerIdentity(Environment.MachineName, ReadBootId(), Environment.ProcessId, ReadStartTicks(Environment.ProcessId)));

    public static WorkerIdentity Current => Self.Value;

    /// <summary>Whether a lease holder ran on this host in this boot: only then can its pid be looked up here.</summary>
    public bool SameBootAs(WorkerIdentity other) =>
        BootId is not null && StartTicks is not null && Host == other.Host && BootId == other.BootId;

    /// <summary>
    /// True when this process is certainly gone: no such pid, a zombie, or a pid now used by a process that started at
    /// another time. Only meaningful for an identity of this host and boot (<see cref="SameBootAs"/>).
    /// </summary>
    public bool IsDeadHere()
    {
        var stat = ReadStat(Pid);
        if (stat is null)
        {
            return true;
        }
        return stat.Value.State is 'Z' or 'X' || stat.Value.StartTicks != StartTicks;
    }

    public static string? ReadBootId()
    {
        try
        {
            var id = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
            return id.Length > 0 ? id : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static long? ReadStartTicks(int pid) => ReadStat(pid)?.StartTicks;

    /// <summary>State (field 3) and start time (field 22) of /proc/PID/stat; the name (field 2) may hold spaces and ')'.</summary>
    private static (char State, long StartTicks)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }
        var fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
        return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? (fields[0][0], start)
            : null;
    }
}

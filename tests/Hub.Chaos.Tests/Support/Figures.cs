using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Hub.Chaos.Tests.Support;

/// <summary>What one scenario did and saw: the row it adds to the chaos summary table.</summary>
public sealed class Figures(string scenario)
{
    public string Scenario { get; } = scenario;
    public int Jobs { get; set; }
    public int Faults { get; set; }
    /// <summary>Bytes the loopback upstreams sent, and the bytes the finished files needed.</summary>
    public long BytesServed { get; set; }
    public long BytesNeeded { get; set; }
    public long ReFetched => Math.Max(0, BytesServed - BytesNeeded);
    public string Statuses { get; set; } = "";
    public string Outcome { get; set; } = "";
    public TimeSpan Elapsed { get; set; }
}

/// <summary>
/// The summary table of every scenario run so far in this process. Each scenario prints it at its end, so the last
/// one's output holds the whole table; it is also written to <c>chaos-figures.md</c> next to the test assembly.
/// </summary>
public static class ChaosReport
{
    private static readonly ConcurrentQueue<Figures> Rows = new();

    public static void Add(Figures figures, ITestOutputHelper output)
    {
        Rows.Enqueue(figures);
        var table = Table();
        output.WriteLine(table);
        try
        {
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "chaos-figures.md"), table);
        }
        catch (IOException)
        {
        }
    }

    public static string Table()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| scenario | jobs | faults | bytes served | bytes needed | re-fetched | API answers by status | outcome | time |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in Rows)
        {
            var pct = r.BytesNeeded > 0 ? (100.0 * r.ReFetched / r.BytesNeeded).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "-";
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {r.Jobs} | {r.Faults} | {r.BytesServed:N0} | {r.BytesNeeded:N0} | {r.ReFetched:N0} ({pct}) | {r.Statuses} | {r.Outcome} | {r.Elapsed.TotalSeconds:0} s |");
        }
        return sb.ToString();
    }
}

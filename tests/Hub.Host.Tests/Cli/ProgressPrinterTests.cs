using Hub.Domain.Jobs;
using Hub.Host.Cli;

namespace Hub.Host.Tests.Cli;

/// <summary>The live bar of `hub import --wait` on a terminal: one 80-column line redrawn in place, then the outcome.</summary>
public sealed class ProgressPrinterTests
{
    private static JobUpdate Update(string state, double progress, long done, long? total, double? speed, double? eta) =>
        new(Guid.NewGuid(), null, "import", state, progress, done, total, speed, eta, null, null, null, null, "cli", null, DateTimeOffset.UtcNow);

    [Fact]
    public void Bar_AtItsWidest_FitsAnEightyColumnTerminal()
    {
        var widest = Update("awaiting_review", 99.9, 1023L * 1024 * 1024 * 1024, 1023L * 1024 * 1024 * 1024, 1023.0 * 1024 * 1024 * 1024, 99 * 3600 + 3599);
        Assert.True(ProgressPrinter.Bar(widest).Length <= ProgressPrinter.LineWidth, ProgressPrinter.Bar(widest));
        Assert.EndsWith("awaiting_review", ProgressPrinter.Bar(widest)); // the state stays; speed and ETA give way
    }

    [Fact]
    public void Bar_ForATypicalDownload_ShowsEverything()
    {
        var bar = ProgressPrinter.Bar(Update("running", 42.5, 123L * 1024 * 1024, 456L * 1024 * 1024, 3.4 * 1024 * 1024, 83));
        Assert.True(bar.Length <= ProgressPrinter.LineWidth, bar);
        Assert.Contains("3.4 MiB/s", bar);
        Assert.Contains("ETA 0:01:23", bar);
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Domain.Tools;

/// <summary>One line at start: which yt-dlp runs, how old it is and what JavaScript runtime it gets; a warning when outdated.</summary>
public sealed class YtDlpStartupReport(YtDlpStatusReader reader, ILogger<YtDlpStartupReport> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var s = await reader.GetAsync(stoppingToken).ConfigureAwait(false);
            if (s.Version is null || s.Outdated)
            {
                logger.LogWarning("{Summary} (command {Command}, {Source}; JavaScript runtime: {JsRuntime})", s.Summary, s.Command, s.Source, s.JsRuntime);
            }
            else
            {
                logger.LogInformation("{Summary} (command {Command}; JavaScript runtime: {JsRuntime})", s.Summary, s.Command, s.JsRuntime);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // One log line is not worth stopping Hub for (an unreadable release file, a tool path that cannot start).
            logger.LogWarning("Could not tell which yt-dlp runs: {Error}", ex.Message);
        }
    }
}

using Hub.Domain.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Host.Cli;

/// <summary><c>hub tools status|update|rollback</c>: the yt-dlp Hub runs. Needs no database.</summary>
public static class ToolsCommand
{
    public static string Usage => HelpText.For("tools");

    public static async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var sub = args.Positionals.Count > 1 ? args.Positionals[1] : "status";
        if (sub is not ("status" or "update" or "rollback"))
        {
            throw new CliUsageException("Usage:\n" + Usage);
        }
        using var host = HubHost.BuildDomainHost(args.Passthrough);
        var services = host.Services;
        try
        {
            switch (sub)
            {
                case "update":
                    Console.WriteLine((await services.GetRequiredService<YtDlpUpdater>().UpdateAsync(args.Option("channel"), cancellationToken)).Message);
                    break;
                case "rollback":
                    Console.WriteLine((await services.GetRequiredService<YtDlpUpdater>().RollbackAsync(cancellationToken)).Message);
                    break;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Usually another user's data folder (the service runs as hub, the command as you): run it as that user.
            Console.Error.WriteLine($"Cannot write Hub's tools folder ({services.GetRequiredService<YtDlpUpdater>().Managed.Root}): {ex.Message}");
            return 73;
        }
        var s = await services.GetRequiredService<YtDlpStatusReader>().GetAsync(cancellationToken);
        Console.WriteLine(s.Summary);
        Console.WriteLine($"  command:     {s.Command} ({s.Source})");
        Console.WriteLine($"  JavaScript:  {s.JsRuntime}");
        Console.WriteLine($"  managed:     {s.ManagedVersion ?? "none"} (previous: {s.PreviousVersion ?? "none"}), channel {s.Channel}, weekly check {(s.ScheduledChecks ? "on" : "off")}");
        return s.Outdated && sub == "status" ? 2 : 0;
    }
}

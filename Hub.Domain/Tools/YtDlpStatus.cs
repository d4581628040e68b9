using Hub.Domain.Processes;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Tools;

/// <summary>The yt-dlp Hub runs, for health, the admin, the start-up log and `hub tools status`.</summary>
public sealed record YtDlpStatus(
    string? Version, int? AgeDays, bool Outdated, string Source, string Command, string JsRuntime,
    string? ManagedVersion, string? PreviousVersion, string Channel, bool ScheduledChecks, string Summary);

public sealed class YtDlpStatusReader(ToolVersions versions, IOptions<HubOptions> hubOptions, IOptions<ToolUpdateOptions> updateOptions, TimeProvider time)
{
    public const string UpdateHow = "Update it with `hub tools update` (or, as an admin, POST /api/v1/tools/yt-dlp/update)";

    public async Task<YtDlpStatus> GetAsync(CancellationToken cancellationToken)
    {
        var settings = updateOptions.Value;
        var command = ManagedYtDlp.Resolve(hubOptions.Value);
        var tool = (await versions.GetAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(t => t.Name == "yt-dlp");
        var managed = new ManagedYtDlp(hubOptions.Value.FullDataDir);
        var version = tool?.Version;
        var age = YtDlpVersion.AgeDays(version, time.GetUtcNow());
        var outdated = age > settings.MaxAgeDays;
        var how = command.Source == "configured"
            ? "update the yt-dlp named in Hub:Tools:YtDlp, or remove that setting and run `hub tools update`"
            : UpdateHow;
        var summary = version is null
            ? $"yt-dlp is missing ({tool?.Error ?? "not probed"}); {how}."
            : outdated
                ? $"yt-dlp {version} is outdated ({age} days old; video sites change weekly). {char.ToUpperInvariant(how[0])}{how[1..]}."
                : $"yt-dlp {version} ({(age is null ? "age unknown" : age + " days old")}, {command.Source}).";
        var js = command.Source == "managed" ? command.JsRuntime
            : YtDlpVersion.TakesJsRuntimes(version) ? $"{command.JsRuntime}; yt-dlp {version} uses deno if it is installed"
            : $"none (yt-dlp {version ?? "?"} predates --js-runtimes)";
        return new YtDlpStatus(version, age, outdated, command.Source, command.Path, js,
            managed.IsInstalled ? managed.Current?.Version : null, managed.Previous?.Version, settings.Channel, settings.Scheduled, summary);
    }
}

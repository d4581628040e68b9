using Microsoft.Extensions.Options;

namespace Hub.Domain.Processes;

public sealed record ToolStatus(string Name, string Command, string? Version, string? Error)
{
    public bool Found => Version is not null;
}

/// <summary>Which external tools are installed and at what version; cached, since the answer rarely changes.</summary>
public sealed class ToolVersions(ProcessRunner runner, IOptions<HubOptions> options, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, IReadOnlyList<ToolStatus> Tools)? _cache;

    public async Task<IReadOnlyList<ToolStatus>> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cache is { } c && time.GetUtcNow() - c.At < CacheFor)
            {
                return c.Tools;
            }
            var tools = options.Value.Tools;
            var results = await Task.WhenAll(
                ProbeAsync("yt-dlp", Tools.ManagedYtDlp.Resolve(options.Value).Path, ["--version"], cancellationToken),
                ProbeAsync("ffprobe", tools.FFprobe, ["-version"], cancellationToken),
                ProbeAsync("aria2", tools.Aria2c, ["--version"], cancellationToken)).ConfigureAwait(false);
            _cache = (time.GetUtcNow(), results);
            return results;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the cached answer (a tool was just installed or rolled back).</summary>
    public void Invalidate() => _cache = null;

    private async Task<ToolStatus> ProbeAsync(string name, string command, string[] args, CancellationToken cancellationToken)
    {
        try
        {
            var result = await runner.RunAsync(new ProcessSpec(command, args) { Timeout = TimeSpan.FromSeconds(15) }, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return new ToolStatus(name, command, null, $"exited with code {result.ExitCode}");
            }
            return new ToolStatus(name, command, ParseVersion(result.Stdout), null);
        }
        catch (ToolNotFoundException)
        {
            return new ToolStatus(name, command, null, "not installed");
        }
        catch (ProcessTimeoutException ex)
        {
            return new ToolStatus(name, command, null, ex.Message);
        }
    }

    /// <summary>The version from a tool's banner: "2023.03.04", "ffprobe version 5.1.9-0+deb12u1 ...", "aria2 version 1.36.0".</summary>
    public static string ParseVersion(string stdout)
    {
        var first = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        var marker = first.IndexOf(" version ", StringComparison.OrdinalIgnoreCase);
        if (marker >= 0)
        {
            var rest = first[(marker + " version ".Length)..].Trim();
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            return space > 0 ? rest[..space] : rest;
        }
        return first;
    }
}

using System.Text.RegularExpressions;
using Hub.Domain.Imports;

namespace Hub.Domain.Engines.YtDlp;

/// <summary>Turns a failed yt-dlp run (exit code and stderr) into an error a person understands, with a stable type.</summary>
public static partial class YtDlpErrorMapper
{
    public static ImportFailedException Map(int exitCode, string stderr)
    {
        var error = LastError(stderr);
        var detail = error ?? $"yt-dlp exited with code {exitCode}";
        var text = error ?? stderr;

        if (Has(text, "Unsupported URL"))
        {
            return ImportFailedException.Permanent("unsupported-url",
                "Hub cannot find a video at this address: no supported site or media file was found on the page.");
        }
        if (Has(text, "is not a valid URL"))
        {
            return ImportFailedException.Permanent("invalid-url", "This is not a valid web address.");
        }
        if (HttpStatus().Match(text) is { Success: true } m && int.TryParse(m.Groups[1].ValueSpan, out var status))
        {
            return Http(status, detail);
        }
        if (Has(text, "Private video") || Has(text, "Sign in") || Has(text, "members-only") || Has(text, "login required"))
        {
            return ImportFailedException.Permanent("private",
                $"This video is private or needs a login; configure cookies for this site if you have access. ({detail})");
        }
        if (Has(text, "Requested format is not available"))
        {
            return ImportFailedException.Permanent("format-unavailable",
                $"The site does not offer the requested format; try another format preset. ({detail})");
        }
        if (Has(text, "Video unavailable") || Has(text, "not available") || Has(text, "has been removed"))
        {
            return ImportFailedException.Permanent("unavailable", $"This video is not available (removed, blocked or restricted). ({detail})");
        }
        if (Has(text, "Connection refused") || Has(text, "timed out") || Has(text, "Temporary failure in name resolution")
            || Has(text, "Name or service not known") || Has(text, "No address associated") || Has(text, "urlopen error")
            || Has(text, "Connection reset") || Has(text, "Remote end closed") || Has(text, "IncompleteRead")
            || Has(text, "Network is unreachable"))
        {
            return ImportFailedException.Retryable("network", $"Hub could not reach the site; it will try again. ({detail})");
        }
        if (Has(text, "No space left on device"))
        {
            return ImportFailedException.Retryable("disk-full", "The server's disk is full.");
        }
        return ImportFailedException.Retryable("yt-dlp", $"yt-dlp failed: {detail}");
    }

    private static ImportFailedException Http(int status, string detail) => status switch
    {
        404 => ImportFailedException.Permanent("http-404", $"The site answered that this address does not exist (404 Not Found). ({detail})"),
        403 => ImportFailedException.Permanent("http-403", $"The site refused access (403 Forbidden). ({detail})"),
        401 => ImportFailedException.Permanent("http-401", $"The site wants a login (401). ({detail})"),
        429 => ImportFailedException.Retryable("http-429", $"The site says there were too many requests (429); Hub will try again later. ({detail})"),
        408 => ImportFailedException.Retryable("network", $"The site timed out (408). ({detail})"),
        >= 500 => ImportFailedException.Retryable("http-5xx", $"The site had a server error ({status}); Hub will try again later. ({detail})"),
        _ => ImportFailedException.Permanent($"http-{status}", $"The site answered HTTP {status}. ({detail})"),
    };

    /// <summary>The last "ERROR:" line, without the prefix and without yt-dlp's "please report this issue" tail.</summary>
    internal static string? LastError(string stderr)
    {
        string? last = null;
        foreach (var raw in stderr.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("ERROR:", StringComparison.Ordinal))
            {
                last = line["ERROR:".Length..].Trim();
            }
        }
        if (last is null)
        {
            return null;
        }
        var tail = last.IndexOf("; please report this issue", StringComparison.OrdinalIgnoreCase);
        if (tail > 0)
        {
            last = last[..tail];
        }
        return last.Length <= 500 ? last : last[..500] + "…";
    }

    private static bool Has(string text, string what) => text.Contains(what, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"HTTP Error (\d{3})", RegexOptions.CultureInvariant)]
    private static partial Regex HttpStatus();
}

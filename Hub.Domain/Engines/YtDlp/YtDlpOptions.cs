using System.Text.RegularExpressions;

namespace Hub.Domain.Engines.YtDlp;

/// <summary>The <c>Hub:YtDlp</c> section: time limits, cookies and rate limits, globally and per site.</summary>
public sealed partial class YtDlpOptions
{
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan SearchTimeout { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromHours(6);

    /// <summary>A Netscape cookies.txt for sites that need a login. Note: yt-dlp writes refreshed cookies back to it.</summary>
    public string? CookiesFile { get; set; }

    /// <summary>yt-dlp's --limit-rate, e.g. "5M" or "500K" (bytes per second).</summary>
    public string? RateLimit { get; set; }

    /// <summary>
    /// The JavaScript runtime Hub gives its managed yt-dlp (--js-runtimes) for sites that need one, YouTube among them:
    /// "node", "deno", a path, or empty for none. A system or configured yt-dlp runs as installed.
    /// </summary>
    public string? JsRuntime { get; set; } = "node";

    /// <summary>Overrides by domain: "youtube.com" also applies to "www.youtube.com" and "m.youtube.com".</summary>
    public Dictionary<string, YtDlpSiteOptions> Sites { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The settings for one host: the most specific matching site entry, falling back field by field to the globals.</summary>
    public YtDlpSiteOptions ForHost(string host)
    {
        YtDlpSiteOptions? best = null;
        var bestLength = -1;
        foreach (var (domain, site) in Sites)
        {
            var d = domain.Trim().TrimStart('.');
            var matches = host.Equals(d, StringComparison.OrdinalIgnoreCase)
                || host.EndsWith("." + d, StringComparison.OrdinalIgnoreCase);
            if (matches && d.Length > bestLength)
            {
                best = site;
                bestLength = d.Length;
            }
        }
        return new YtDlpSiteOptions
        {
            CookiesFile = NullIfBlank(best?.CookiesFile) ?? NullIfBlank(CookiesFile),
            RateLimit = NullIfBlank(best?.RateLimit) ?? NullIfBlank(RateLimit),
        };
    }

    /// <summary>Configuration mistakes, in words; empty when the section is fine.</summary>
    public IEnumerable<string> Validate()
    {
        if (ProbeTimeout <= TimeSpan.Zero || SearchTimeout <= TimeSpan.Zero || DownloadTimeout <= TimeSpan.Zero)
        {
            yield return "Hub:YtDlp timeouts must be positive.";
        }
        foreach (var (name, rate) in Sites.Select(s => ($"Hub:YtDlp:Sites:{s.Key}:RateLimit", s.Value.RateLimit)).Prepend(("Hub:YtDlp:RateLimit", RateLimit)))
        {
            if (!string.IsNullOrWhiteSpace(rate) && !IsValidRate(rate))
            {
                yield return $"{name} '{rate}' is not a rate like 500K, 5M or 1.5M.";
            }
        }
    }

    public static bool IsValidRate(string rate) => RatePattern().IsMatch(rate.Trim());

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    [GeneratedRegex(@"^\d+(\.\d+)?[KMG]?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RatePattern();
}

public sealed class YtDlpSiteOptions
{
    public string? CookiesFile { get; set; }
    public string? RateLimit { get; set; }
}

using System.Globalization;

namespace Hub.Domain.Libraries;

/// <summary>What is known about an item when it is classified (usually from the probe). Unknown facts are null.</summary>
public sealed record ClassificationInput(string? Platform, string? Host, string? MediaKind, double? DurationSeconds, string? Title);

/// <param name="Library">The chosen library; null only when no rule matched and there is no default library at all.</param>
/// <param name="Confidence">0..1; 0 when a fallback was used.</param>
/// <param name="NeedsReview">A rule matched, but with less confidence than the library's review threshold (or nothing could be chosen).</param>
/// <param name="FallbackUsed">No rule matched and a default library was picked instead: the caller decides (auto mode files it, review mode asks).</param>
/// <param name="RuleIndex">Zero-based index of the winning rule within its library, when a rule matched.</param>
/// <param name="Reason">One human sentence explaining the choice.</param>
public sealed record ClassificationResult(Library? Library, double Confidence, bool NeedsReview, bool FallbackUsed, int? RuleIndex, string Reason);

/// <summary>
/// Picks the library an item belongs to. Pure: same libraries and input, same answer.
/// <para>
/// Scoring. A rule matches only when <em>every</em> criterion it has matches; an unknown fact (null input) never matches
/// a criterion that asks about it. A matching rule with n criteria (the duration range counts as one) has confidence
/// <c>min(1, weight × (0.5 + 0.5 × n / (n + 1)))</c>: 0.75 for one criterion, 0.83 for two, 0.875 for three —
/// more specific rules are surer. A library's confidence is its best rule's.
/// </para>
/// <para>
/// Choice. The highest confidence wins; ties go to the more specific rule, then the library name (ordinal,
/// case-insensitive), then the id. <c>NeedsReview</c> is set when the confidence is below the library's review threshold.
/// </para>
/// <para>
/// Fallback. When no rule matches, the default library for the media kind is used (audio → the audio default;
/// video or unknown → the video default; then the "any" default; then any default), with confidence 0,
/// <c>FallbackUsed = true</c> and <c>NeedsReview = false</c>: in auto mode the caller files it there, in review mode
/// (or when it wants to be strict) the caller sends it to the inbox. With no default at all, Library is null and
/// NeedsReview is true.
/// </para>
/// </summary>
public static class LibraryClassifier
{
    public static ClassificationResult Classify(IReadOnlyList<Library> libraries, ClassificationInput input)
    {
        ArgumentNullException.ThrowIfNull(libraries);
        ArgumentNullException.ThrowIfNull(input);
        Candidate? best = null;
        foreach (var library in libraries)
        {
            var rules = LibraryRules.FromJsonOrEmpty(library.Rules);
            for (var i = 0; i < rules.Count; i++)
            {
                var matched = Match(rules[i], input);
                if (matched is null)
                {
                    continue;
                }
                var candidate = new Candidate(library, i, rules[i].CriteriaCount, Confidence(rules[i]), matched);
                if (best is null || Better(candidate, best))
                {
                    best = candidate;
                }
            }
        }
        if (best is not null)
        {
            var needsReview = best.Confidence < best.Library.ReviewThreshold;
            var reason = $"matched rule {best.RuleIndex + 1} of {best.Library.Name}: {string.Join(", ", best.Matched)}";
            return new ClassificationResult(best.Library, best.Confidence, needsReview, false, best.RuleIndex, reason);
        }
        var fallback = Fallback(libraries, input.MediaKind);
        return fallback is null
            ? new ClassificationResult(null, 0, true, false, null, "no rule matched and there is no default library")
            : new ClassificationResult(fallback, 0, false, true, null,
                $"no rule matched; using the default {fallback.MediaKind} library {fallback.Name}");
    }

    /// <summary>The confidence of a rule that matched: see the class comment.</summary>
    public static double Confidence(LibraryRule rule)
    {
        var n = rule.CriteriaCount;
        return Math.Min(1, rule.Weight * (0.5 + 0.5 * n / (n + 1.0)));
    }

    /// <summary>The default library for a media kind (audio, video, or unknown), or null when there is none.</summary>
    public static Library? Fallback(IReadOnlyList<Library> libraries, string? mediaKind)
    {
        var wanted = string.Equals(mediaKind, "audio", StringComparison.OrdinalIgnoreCase) ? "audio" : "video";
        var defaults = libraries.Where(l => l.IsDefault).OrderBy(l => l.Name, StringComparer.OrdinalIgnoreCase).ThenBy(l => l.Id).ToList();
        return defaults.FirstOrDefault(l => l.MediaKind == wanted)
            ?? defaults.FirstOrDefault(l => l.MediaKind == "any")
            ?? defaults.FirstOrDefault();
    }

    /// <summary>The descriptions of the criteria that matched, or null when any criterion fails.</summary>
    internal static List<string>? Match(LibraryRule rule, ClassificationInput input)
    {
        var matched = new List<string>();
        if (rule.Platforms is { Count: > 0 } platforms)
        {
            var platform = input.Platform?.Trim();
            if (string.IsNullOrEmpty(platform) || !platforms.Contains(platform, StringComparer.OrdinalIgnoreCase))
            {
                return null;
            }
            matched.Add($"platform {platform.ToLowerInvariant()}");
        }
        if (rule.Domains is { Count: > 0 } domains)
        {
            var domain = domains.FirstOrDefault(d => HostMatches(input.Host, d));
            if (domain is null)
            {
                return null;
            }
            matched.Add($"domain {domain}");
        }
        if (rule.MediaKind is { } kind)
        {
            if (!string.Equals(input.MediaKind?.Trim(), kind, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
            matched.Add($"media kind {kind}");
        }
        if (rule.MinDurationSeconds is not null || rule.MaxDurationSeconds is not null)
        {
            if (input.DurationSeconds is not { } d || !double.IsFinite(d)
                || d < (rule.MinDurationSeconds ?? 0) || d > (rule.MaxDurationSeconds ?? double.MaxValue))
            {
                return null;
            }
            matched.Add($"duration {DurationText(rule)}");
        }
        if (rule.TitleKeywords is { Count: > 0 } keywords)
        {
            var keyword = keywords.FirstOrDefault(k => ContainsWord(input.Title, k));
            if (keyword is null)
            {
                return null;
            }
            matched.Add($"title keyword \"{keyword}\"");
        }
        return matched.Count > 0 ? matched : null;
    }

    /// <summary>True when the host is the domain or one of its sub-domains; case and a trailing dot are ignored.</summary>
    public static bool HostMatches(string? host, string domain)
    {
        if (string.IsNullOrWhiteSpace(host) || string.IsNullOrWhiteSpace(domain))
        {
            return false;
        }
        host = host.Trim().TrimEnd('.').ToLowerInvariant();
        domain = domain.Trim().TrimEnd('.').ToLowerInvariant();
        return host == domain || host.EndsWith("." + domain, StringComparison.Ordinal);
    }

    /// <summary>
    /// Whole-word-ish, case-insensitive: the keyword must not be glued to letters or digits on either side
    /// ("live" matches "Live at Wembley" and "(live)", not "Oliver" or "lively").
    /// </summary>
    public static bool ContainsWord(string? text, string keyword)
    {
        if (string.IsNullOrEmpty(text) || string.IsNullOrWhiteSpace(keyword))
        {
            return false;
        }
        keyword = keyword.Trim();
        var start = 0;
        while (start <= text.Length - keyword.Length)
        {
            var at = text.IndexOf(keyword, start, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return false;
            }
            var end = at + keyword.Length;
            var leftOk = at == 0 || !char.IsLetterOrDigit(text[at - 1]) || !char.IsLetterOrDigit(keyword[0]);
            var rightOk = end == text.Length || !char.IsLetterOrDigit(text[end]) || !char.IsLetterOrDigit(keyword[^1]);
            if (leftOk && rightOk)
            {
                return true;
            }
            start = at + 1;
        }
        return false;
    }

    private static string DurationText(LibraryRule rule) => (rule.MinDurationSeconds, rule.MaxDurationSeconds) switch
    {
        ({ } min, { } max) => $"{Seconds(min)}–{Seconds(max)} s",
        ({ } min, null) => $"≥ {Seconds(min)} s",
        (null, { } max) => $"≤ {Seconds(max)} s",
        _ => "",
    };

    private static string Seconds(double s) => s.ToString("0.##", CultureInfo.InvariantCulture);

    private static bool Better(Candidate a, Candidate b)
    {
        if (a.Confidence != b.Confidence)
        {
            return a.Confidence > b.Confidence;
        }
        if (a.Specificity != b.Specificity)
        {
            return a.Specificity > b.Specificity;
        }
        var byName = StringComparer.OrdinalIgnoreCase.Compare(a.Library.Name, b.Library.Name);
        if (byName != 0)
        {
            return byName < 0;
        }
        var byId = a.Library.Id.CompareTo(b.Library.Id);
        return byId != 0 ? byId < 0 : a.RuleIndex < b.RuleIndex;
    }

    private sealed record Candidate(Library Library, int RuleIndex, int Specificity, double Confidence, List<string> Matched);
}

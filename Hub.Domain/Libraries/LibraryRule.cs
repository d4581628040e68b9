using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hub.Domain.Libraries;

/// <summary>
/// One classification rule of a library, stored in <c>libraries.rules</c> as a camelCase JSON array.
/// Every criterion is optional; a rule needs at least one. Lists match when any of their items match.
/// </summary>
public sealed record LibraryRule
{
    /// <summary>Platform names as the probe reports them, e.g. "youtube", "soundcloud".</summary>
    public IReadOnlyList<string>? Platforms { get; init; }

    /// <summary>Domains; each matches the host itself or any sub-domain ("youtube.com" matches "m.youtube.com").</summary>
    public IReadOnlyList<string>? Domains { get; init; }

    /// <summary>"audio" or "video".</summary>
    public string? MediaKind { get; init; }

    public double? MinDurationSeconds { get; init; }
    public double? MaxDurationSeconds { get; init; }

    /// <summary>Words or phrases found in the title as whole words, case-insensitively.</summary>
    public IReadOnlyList<string>? TitleKeywords { get; init; }

    /// <summary>Scales the rule's confidence (capped at 1); 1 by default.</summary>
    public double Weight { get; init; } = 1;

    /// <summary>How many criteria the rule has; the duration range counts as one.</summary>
    [JsonIgnore]
    public int CriteriaCount =>
        (Platforms is { Count: > 0 } ? 1 : 0) + (Domains is { Count: > 0 } ? 1 : 0) + (MediaKind is not null ? 1 : 0)
        + (MinDurationSeconds is not null || MaxDurationSeconds is not null ? 1 : 0) + (TitleKeywords is { Count: > 0 } ? 1 : 0);
}

/// <summary>Reads, validates and writes the rules JSON of a library.</summary>
public static class LibraryRules
{
    public const double MaxWeight = 10;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Parses and validates stored or submitted rules; errors name the field, e.g. "rules[0].mediaKind".</summary>
    public static IReadOnlyList<LibraryRule> FromJson(JsonDocument? document)
    {
        if (document is null || document.RootElement.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return [];
        }
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new HubValidationException("rules", "Rules must be a JSON array.");
        }
        var rules = new List<LibraryRule>();
        var i = 0;
        foreach (var element in document.RootElement.EnumerateArray())
        {
            try
            {
                rules.Add(element.Deserialize<LibraryRule>(Json)
                    ?? throw new HubValidationException($"rules[{i}]", "A rule must be an object."));
            }
            catch (JsonException e)
            {
                var path = e.Path is { Length: > 2 } p ? p[1..] : "";
                throw new HubValidationException($"rules[{i}]{path}", $"Rule {i + 1} is not valid: {e.Message}");
            }
            i++;
        }
        return Normalize(rules);
    }

    /// <summary>Rules that parse, or none: the classifier must not fail on a row written by an older version.</summary>
    public static IReadOnlyList<LibraryRule> FromJsonOrEmpty(JsonDocument? document)
    {
        try
        {
            return FromJson(document);
        }
        catch (HubValidationException)
        {
            return [];
        }
    }

    public static JsonDocument ToJson(IEnumerable<LibraryRule> rules) =>
        JsonSerializer.SerializeToDocument(Normalize(rules.ToList()), Json);

    /// <summary>Validates and tidies rules (trimmed, lower-case names); throws naming the first bad field.</summary>
    public static IReadOnlyList<LibraryRule> Normalize(IReadOnlyList<LibraryRule> rules)
    {
        if (rules.Count > 100)
        {
            throw new HubValidationException("rules", "A library can have at most 100 rules.");
        }
        var result = new List<LibraryRule>(rules.Count);
        for (var i = 0; i < rules.Count; i++)
        {
            result.Add(NormalizeOne(rules[i], $"rules[{i}]"));
        }
        return result;
    }

    private static LibraryRule NormalizeOne(LibraryRule rule, string at)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var kind = rule.MediaKind?.Trim().ToLowerInvariant();
        if (kind is not (null or "audio" or "video"))
        {
            throw new HubValidationException($"{at}.mediaKind", $"Media kind must be 'audio' or 'video', not '{rule.MediaKind}'.");
        }
        CheckDuration(rule.MinDurationSeconds, $"{at}.minDurationSeconds");
        CheckDuration(rule.MaxDurationSeconds, $"{at}.maxDurationSeconds");
        if (rule.MinDurationSeconds > rule.MaxDurationSeconds)
        {
            throw new HubValidationException($"{at}.minDurationSeconds", "The minimum duration is greater than the maximum.");
        }
        if (!double.IsFinite(rule.Weight) || rule.Weight <= 0 || rule.Weight > MaxWeight)
        {
            throw new HubValidationException($"{at}.weight", $"Weight must be above 0 and at most {MaxWeight}.");
        }
        var normalized = rule with
        {
            Platforms = CleanList(rule.Platforms, $"{at}.platforms", lower: true),
            Domains = CleanList(rule.Domains, $"{at}.domains", lower: true)?.Select(d => d.TrimEnd('.')).ToList(),
            TitleKeywords = CleanList(rule.TitleKeywords, $"{at}.titleKeywords", lower: false),
            MediaKind = kind,
        };
        if (normalized.Domains is { } domains)
        {
            for (var j = 0; j < domains.Count; j++)
            {
                if (!IsDomain(domains[j]))
                {
                    throw new HubValidationException($"{at}.domains[{j}]", $"'{domains[j]}' is not a domain name like 'youtube.com'.");
                }
            }
        }
        if (normalized.CriteriaCount == 0)
        {
            throw new HubValidationException(at, "A rule needs at least one criterion (platforms, domains, mediaKind, duration or titleKeywords).");
        }
        return normalized;
    }

    private static void CheckDuration(double? seconds, string field)
    {
        if (seconds is { } s && (!double.IsFinite(s) || s < 0))
        {
            throw new HubValidationException(field, "A duration must be zero or more seconds.");
        }
    }

    private static List<string>? CleanList(IReadOnlyList<string>? items, string field, bool lower)
    {
        if (items is null)
        {
            return null;
        }
        if (items.Count == 0)
        {
            throw new HubValidationException(field, "Leave the list out instead of giving it empty.");
        }
        var result = new List<string>(items.Count);
        for (var j = 0; j < items.Count; j++)
        {
            var item = TextInput.Check(items[j], $"{field}[{j}]", int.MaxValue)?.Trim() ?? "";
            if (item.Length is 0 or > 200)
            {
                throw new HubValidationException($"{field}[{j}]", "Items must have 1 to 200 characters.");
            }
            result.Add(lower ? item.ToLowerInvariant() : item);
        }
        return result;
    }

    private static bool IsDomain(string value) =>
        value.Contains('.') && !value.StartsWith('.') && !value.Contains("..", StringComparison.Ordinal)
        && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.');
}

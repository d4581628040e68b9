using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Hub.Domain.Engines;

namespace Hub.Domain.Libraries;

/// <summary>The pure checks behind library create and update; each throws naming its field.</summary>
public static partial class LibraryValidation
{
    public const int MaxNameLength = 100;
    public const int MaxSlugLength = 60;

    public static readonly IReadOnlyList<string> MediaKinds = ["video", "audio", "any"];

    /// <summary>Folders a library must never be, nor (for the first group) be inside of.</summary>
    private static readonly string[] SystemTrees = ["/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/run", "/sbin", "/sys", "/usr"];
    private static readonly string[] SystemFolders = ["/", "/home", "/media", "/mnt", "/opt", "/root", "/srv", "/tmp", "/var", "/var/lib"];

    public static string Name(string? name)
    {
        var trimmed = (name ?? "").Trim();
        if (trimmed.Length is 0 or > MaxNameLength || trimmed.Any(char.IsControl) || !TextInput.IsStorable(trimmed))
        {
            throw new HubValidationException("name", $"A library needs a name of 1 to {MaxNameLength} characters, without control characters.");
        }
        return trimmed;
    }

    public static string MediaKind(string? kind)
    {
        var k = (kind ?? "").Trim().ToLowerInvariant();
        return MediaKinds.Contains(k) ? k : throw new HubValidationException("mediaKind", "Media kind must be 'video', 'audio' or 'any'.");
    }

    public static string DefaultFormat(string? format) =>
        FormatPresets.IsValid(format) ? format! : throw new HubValidationException("defaultFormat", $"Default format must be one of {string.Join(", ", FormatPresets.All)}.");

    public static double ReviewThreshold(double threshold) =>
        double.IsFinite(threshold) && threshold is >= 0 and <= 1
            ? threshold
            : throw new HubValidationException("reviewThreshold", "The review threshold must be between 0 and 1.");

    public const int MaxSubtitleLanguages = 20;

    /// <summary>
    /// Subtitle languages as yt-dlp's <c>--sub-langs</c> takes them, each a language code (<c>en</c>, <c>pt-BR</c>, <c>yue-Hant</c>),
    /// optionally with <c>.*</c> for its variants (<c>en.*</c>), or <c>all</c>. Codes only: a list item is never a yt-dlp
    /// pattern of its own (commas, exclusions). Null stays null (Hub's setting); duplicates go.
    /// </summary>
    public static List<string>? SubtitleLanguages(IReadOnlyList<string?>? languages)
    {
        const string Field = "subtitleLanguages";
        if (languages is null)
        {
            return null;
        }
        if (languages.Count > MaxSubtitleLanguages)
        {
            throw new HubValidationException(Field, $"At most {MaxSubtitleLanguages} subtitle languages.");
        }
        var list = new List<string>();
        foreach (var raw in languages)
        {
            var lang = (raw ?? "").Trim();
            if (!LanguageCode().IsMatch(lang))
            {
                throw new HubValidationException(Field, $"'{Shorten(lang)}' is not a language code: use codes such as en, pt-BR or de.* (with its variants), or all.");
            }
            if (!list.Contains(lang, StringComparer.OrdinalIgnoreCase)) list.Add(lang);
        }
        return list;
    }

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;

    [GeneratedRegex(@"^(all|[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,3}(\.\*|-\.\*)?)$")]
    private static partial Regex LanguageCode();

    /// <summary>
    /// A root folder: relative (to the media folder, and staying inside it) or absolute but not a system folder,
    /// nor Hub's own data or temp folder or one of their parents. Returned trimmed, without a trailing slash.
    /// </summary>
    public static string RootFolder(string? folder, HubOptions options)
    {
        const string Field = "rootFolder";
        var value = (folder ?? "").Trim();
        if (value.Length is 0 or > 1000 || value.Any(char.IsControl) || !TextInput.IsStorable(value))
        {
            throw new HubValidationException(Field, "A library needs a root folder (1 to 1000 characters).");
        }
        if (!Path.IsPathRooted(value))
        {
            var media = Path.TrimEndingDirectorySeparator(options.FullMediaDir);
            var full = Path.GetFullPath(Path.Combine(media, value));
            if (!full.StartsWith(media + "/", StringComparison.Ordinal))
            {
                throw new HubValidationException(Field, "A relative root folder must stay inside the media folder.");
            }
            return Path.TrimEndingDirectorySeparator(value.Replace('\\', '/'));
        }
        var absolute = Path.TrimEndingDirectorySeparator(Path.GetFullPath(value));
        if (absolute.Length == 0 || SystemFolders.Contains(absolute) || SystemTrees.Any(t => absolute == t || absolute.StartsWith(t + "/", StringComparison.Ordinal)))
        {
            throw new HubValidationException(Field, $"'{absolute}' is a system folder; choose a folder of its own for the library.");
        }
        var data = Path.TrimEndingDirectorySeparator(options.FullDataDir);
        var temp = Path.TrimEndingDirectorySeparator(options.FullTempDir);
        if (IsSameOrInside(data, absolute) || IsSameOrInside(temp, absolute) || IsSameOrInside(absolute, temp))
        {
            throw new HubValidationException(Field, $"'{absolute}' holds Hub's own data or temp files; choose another folder.");
        }
        return absolute;
    }

    private static bool IsSameOrInside(string path, string folder) =>
        path == folder || path.StartsWith(folder + "/", StringComparison.Ordinal);

    /// <summary>Lower-case ASCII letters, digits and single dashes, from a name ("Música Ñu!" → "musica-nu"); "library" if nothing is left.</summary>
    public static string Slugify(string name)
    {
        var decomposed = (name ?? "").Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            var lower = char.ToLowerInvariant(c);
            var mapped = lower switch
            {
                >= 'a' and <= 'z' or >= '0' and <= '9' => lower.ToString(),
                'ß' => "ss",
                'æ' => "ae",
                'œ' => "oe",
                'ø' => "o",
                'ł' => "l",
                'đ' or 'ð' => "d",
                'þ' => "th",
                '&' => "-and-",
                _ => "-",
            };
            sb.Append(mapped);
        }
        var slug = string.Join('-', sb.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
        if (slug.Length > MaxSlugLength)
        {
            slug = slug[..MaxSlugLength].TrimEnd('-');
        }
        return slug.Length == 0 ? "library" : slug;
    }

    /// <summary>The slug, or "slug-2", "slug-3", … — the first one not taken.</summary>
    public static string UniqueSlug(string baseSlug, IReadOnlySet<string> taken)
    {
        if (!taken.Contains(baseSlug))
        {
            return baseSlug;
        }
        for (var n = 2; ; n++)
        {
            var suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
            var candidate = (baseSlug.Length + suffix.Length > MaxSlugLength ? baseSlug[..(MaxSlugLength - suffix.Length)].TrimEnd('-') : baseSlug) + suffix;
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>The template a new library gets when none is given.</summary>
    public static string DefaultTemplate(string mediaKind) =>
        mediaKind == "audio" ? "{uploader}/{title}.{ext}" : "{platform}/{uploader}/{title} [{id}].{ext}";

    public static string DefaultFormatFor(string mediaKind) =>
        mediaKind == "audio" ? FormatPresets.AudioBest : FormatPresets.VideoBest;
}

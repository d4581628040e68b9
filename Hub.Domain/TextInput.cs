using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hub.Domain;

/// <summary>
/// What every text a caller sends must look like, whichever door it came through: no U+0000 and no lone UTF-16
/// surrogate (PostgreSQL text cannot store the first, UTF-8 cannot encode the second, and either would fail deep in
/// a query as a server error), and no longer than its field allows. Services call it on their inputs; a refusal is a
/// <see cref="HubValidationException"/> naming the field, which REST answers 400, the bot and MCP as a plain error.
/// </summary>
public static class TextInput
{
    /// <summary>The ceiling for a text no field names a tighter limit for (search text, filters, keys).</summary>
    public const int DefaultMaxLength = 2000;

    /// <summary>The longest file name kept for an upload (most file systems allow 255 bytes).</summary>
    public const int MaxFileNameLength = 200;

    /// <summary>The value unchanged when it is storable and within <paramref name="maxLength"/>; otherwise a validation error for <paramref name="field"/>.</summary>
    public static string? Check(string? value, string field, int maxLength = DefaultMaxLength)
    {
        if (value is null)
        {
            return null;
        }
        if (value.Length > maxLength)
        {
            throw new HubValidationException(field, $"'{field}' is longer than {maxLength} characters.");
        }
        return IsStorable(value) ? value : throw Unstorable(field);
    }

    /// <summary>Every value of a repeated field, e.g. tags.</summary>
    public static IReadOnlyList<string>? Check(IReadOnlyList<string>? values, string field, int maxLength = DefaultMaxLength)
    {
        if (values is not null)
        {
            foreach (var v in values)
            {
                Check(v, field, maxLength);
            }
        }
        return values;
    }

    /// <summary>Every property name and string value of a JSON document (jsonb refuses <c>\u0000</c> too).</summary>
    public static void Check(JsonElement element, string field)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                Check(element.GetString(), field, int.MaxValue);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) Check(item, field);
                break;
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                {
                    Check(p.Name, field, int.MaxValue);
                    Check(p.Value, field);
                }
                break;
        }
    }

    /// <summary>The same for a JSON node (a merge patch, say).</summary>
    public static void Check(JsonNode? node, string field)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    Check(name, field, int.MaxValue);
                    Check(value, field);
                }
                break;
            case JsonArray a:
                foreach (var item in a) Check(item, field);
                break;
            case JsonValue v when v.TryGetValue<string>(out var text):
                Check(text, field, int.MaxValue);
                break;
        }
    }

    /// <summary>True when PostgreSQL can store the text as it is: no U+0000, every surrogate in a pair.</summary>
    public static bool IsStorable(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                return false;
            }
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// A file name a person gave (an upload, a Telegram file) made harmless rather than refused: no folders, control
    /// characters and lone surrogates become '_', and it is cut to <see cref="MaxFileNameLength"/> keeping its extension.
    /// </summary>
    public static string CleanFileName(string? name)
    {
        var file = Path.GetFileName((name ?? "").Replace('\\', '/'));
        var clean = new StringBuilder(file.Length);
        for (var i = 0; i < file.Length; i++)
        {
            var c = file[i];
            if (char.IsHighSurrogate(c) && i + 1 < file.Length && char.IsLowSurrogate(file[i + 1]))
            {
                clean.Append(c).Append(file[++i]);
            }
            else
            {
                clean.Append(char.IsControl(c) || char.IsSurrogate(c) ? '_' : c);
            }
        }
        var result = clean.ToString().Trim();
        if (result.Length > MaxFileNameLength)
        {
            var ext = Path.GetExtension(result);
            ext = ext.Length <= 16 ? ext : "";
            var stem = result[..(MaxFileNameLength - ext.Length)];
            // Do not cut a surrogate pair in half.
            if (stem.Length > 0 && char.IsHighSurrogate(stem[^1])) stem = stem[..^1];
            result = stem + ext;
        }
        return result;
    }

    private static HubValidationException Unstorable(string field) =>
        new(field, $"'{field}' contains a character Hub cannot store (U+0000 or a lone UTF-16 surrogate).");
}

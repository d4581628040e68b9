using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace Hub.Domain.Entries;

/// <summary>
/// The opaque page cursor: the sort it belongs to, the last row's sort key and its id, as base64url JSON.
/// Keyset paging stays stable while rows are added: a page starts strictly after the last row seen.
/// </summary>
internal sealed record EntryCursor(string Sort, string Key, Guid Id)
{
    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Wire(Sort, Key, Id)));

    public static EntryCursor Decode(string cursor, string expectedSort)
    {
        try
        {
            var wire = JsonSerializer.Deserialize<Wire>(Base64Url.DecodeFromChars(cursor));
            if (wire is { S: not null, K: not null } && wire.S == expectedSort)
            {
                return new EntryCursor(wire.S, wire.K, wire.I);
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
        }
        throw new HubValidationException("cursor", "The cursor is not valid for this query; start again without it (cursors belong to one sort order).");
    }

    /// <summary>The key as the database value it was made from.</summary>
    public object TypedKey(string sortKey)
    {
        try
        {
            return sortKey switch
            {
                "created" => DateTimeOffset.ParseExact(Key, "O", CultureInfo.InvariantCulture).ToUniversalTime(),
                "title" => Key,
                "size" => long.Parse(Key, CultureInfo.InvariantCulture),
                _ => double.Parse(Key, CultureInfo.InvariantCulture),
            };
        }
        catch (FormatException)
        {
            throw new HubValidationException("cursor", "The cursor is not valid for this query; start again without it.");
        }
    }

    public static string FormatKey(object value) => value switch
    {
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)).ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private sealed record Wire(string? S, string? K, Guid I);
}

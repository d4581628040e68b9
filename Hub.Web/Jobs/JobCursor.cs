using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Hub.Domain;

namespace Hub.Web.Jobs;

/// <summary>
/// The opaque keyset cursor of <c>GET /jobs</c>: the (updated_at, id) of the last job of a page, base64url-encoded.
/// Opaque so clients do not build their own; PostgreSQL keeps microseconds, so the ticks round-trip exactly.
/// </summary>
public static class JobCursor
{
    public static string Encode(DateTimeOffset updatedAt, Guid id) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"{updatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{id:N}"));

    public static (DateTimeOffset UpdatedAt, Guid Id) Decode(string cursor)
    {
        try
        {
            var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor)).Split(':');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks > 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks && Guid.TryParseExact(parts[1], "N", out var id))
            {
                return (new DateTimeOffset(ticks, TimeSpan.Zero), id);
            }
        }
        catch (FormatException)
        {
        }
        throw new HubValidationException("cursor", "The cursor is not valid; use the nextCursor of a previous page.");
    }
}

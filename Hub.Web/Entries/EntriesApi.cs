using System.Globalization;
using System.Security.Claims;
using Hub.Domain;
using Hub.Domain.Entries;
using Hub.Domain.Libraries;
using Hub.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Entries;

/// <summary>
/// <c>/api/v1/entries</c>: list, search and filter (keyset pages) and read (everyone); edit and delete (the entry's owner
/// or an admin: <see cref="Hub.Domain.Access.EntryAccess"/>, applied by <see cref="EntryService"/>).
/// </summary>
public static class EntriesApi
{
    public static RouteGroupBuilder MapEntries(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/entries").WithTags("Entries");
        g.MapGet("/", ListEntries).WithName("ListEntries")
            .WithSummary("Entries filtered by library, platform, mediaKind, tag (repeat for all of), minDuration/maxDuration (s), from/to (created); " +
                "q searches; sort relevance|newest|oldest|[-]created|[-]title|[-]duration|[-]size; cursor and limit (1-200, default 50).");
        g.MapGet("/{id:guid}", GetEntry).WithName("GetEntry").WithSummary("One entry.");
        g.MapPatch("/{id:guid}", UpdateEntry).WithName("UpdateEntry").WithSummary("Change an entry's title, tags or properties (merge patch) (its owner or an admin).");
        g.MapDelete("/{id:guid}", DeleteEntry).WithName("DeleteEntry")
            .WithSummary("Delete an entry and its file (keep_file=true keeps the file) (its owner or an admin).");
        g.MapPost("/{id:guid}/move", MoveEntry).WithName("MoveEntry")
            .WithSummary("Move an entry to another library (id or slug): its file is filed by that library's path template (its owner or an admin).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status403Forbidden);
        return api;
    }

    private static async Task<Ok<EntryPageDto>> ListEntries(
        EntryService entries, LibraryService libraries,
        [FromQuery] string? library, [FromQuery] string? platform, [FromQuery] string? mediaKind, [FromQuery] string[]? tag,
        [FromQuery] string? minDuration, [FromQuery] string? maxDuration, [FromQuery] string? from, [FromQuery] string? to,
        [FromQuery] string? q, [FromQuery] string? sort, [FromQuery] string? cursor, [FromQuery] string? limit, CancellationToken ct)
    {
        Guid? libraryId = null;
        if (!string.IsNullOrWhiteSpace(library))
        {
            libraryId = (await libraries.FindAsync(library, ct) ?? throw new HubValidationException("library", $"No library '{library}'.")).Id;
        }
        var page = await entries.QueryAsync(new EntryQuery
        {
            LibraryId = libraryId,
            Platform = Blank(platform),
            MediaKind = Blank(mediaKind)?.ToLowerInvariant(),
            Tags = tag is { Length: > 0 } ? tag : null,
            MinDuration = Number(minDuration, "minDuration"),
            MaxDuration = Number(maxDuration, "maxDuration"),
            From = Date(from, "from"),
            To = Date(to, "to"),
            Q = Blank(q),
            Sort = Blank(sort),
            Cursor = Blank(cursor),
            Limit = Blank(limit) is { } l ? (int.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
                : throw new HubValidationException("limit", "limit must be a whole number.")) : null,
        }, ct);
        return TypedResults.Ok(new EntryPageDto(page.Items.Select(EntryDto.From).ToList(), page.NextCursor));
    }

    private static async Task<Ok<EntryDto>> GetEntry(Guid id, EntryService entries, CancellationToken ct) =>
        TypedResults.Ok(EntryDto.From(await entries.GetAsync(id, ct)));

    private static async Task<Ok<EntryDto>> UpdateEntry(Guid id, EntryPatchRequest body, ClaimsPrincipal user, EntryService entries, CancellationToken ct) =>
        TypedResults.Ok(EntryDto.From(await entries.UpdateAsync(user.ToRequester(), id, new EntryPatch(body.Title, body.Tags, body.Properties), ct)));

    private static async Task<Ok<EntryDto>> MoveEntry(Guid id, MoveEntryRequest body, ClaimsPrincipal user, EntryMover mover, CancellationToken ct) =>
        TypedResults.Ok(EntryDto.From(await mover.MoveAsync(user.ToRequester(), id, body.Library ?? "", ct)));

    private static async Task<NoContent> DeleteEntry(Guid id, ClaimsPrincipal user, EntryService entries, [FromQuery(Name = "keep_file")] string? keepFile, CancellationToken ct)
    {
        var keep = Blank(keepFile) is { } k ? (bool.TryParse(k, out var b) ? b : throw new HubValidationException("keep_file", "keep_file must be true or false.")) : false;
        await entries.DeleteAsync(user.ToRequester(), id, keep, ct);
        return TypedResults.NoContent();
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public static double? Number(string? s, string field) => Blank(s) is not { } v ? null
        : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d
        : throw new HubValidationException(field, $"{field} must be a number of seconds.");

    public static DateTimeOffset? Date(string? s, string field) => Blank(s) is not { } v ? null
        : DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d
        : throw new HubValidationException(field, $"{field} must be a date or date-time (ISO 8601).");
}

using System.Globalization;
using System.Security.Claims;
using System.Text;
using Hub.Domain;
using Hub.Domain.Access;
using Hub.Domain.Entries;
using Hub.Domain.Playlists;
using Hub.Web.Auth;
using Hub.Web.Entries;
using Hub.Web.Streaming;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Playlists;

/// <summary>On the wire a dynamic playlist's query has the filters of GET /entries (libraryId is an id) plus q and sort.</summary>
/// <summary>A private playlist is seen by its creator and admins only; canChange says whether the caller may change it.</summary>
public sealed record PlaylistDto(Guid Id, string Name, string? Description, string Kind, EntryQuery? Query, int? ItemCount,
    string? CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Private, bool CanChange)
{
    public static PlaylistDto From(Playlist p, Requester caller) =>
        new(p.Id, p.Name, p.Description, p.Kind, p.Query, p.ItemCount, p.CreatedBy, p.CreatedAt, p.UpdatedAt, p.Private, PlaylistAccess.CanChange(caller, p));
}

/// <summary>kind defaults to dynamic when a query is given, else static; private defaults to false.</summary>
public sealed record CreatePlaylistRequest(string? Name, string? Kind, string? Description, EntryQuery? Query, bool? Private);
public sealed record UpdatePlaylistRequest(string? Name, string? Description, EntryQuery? Query, bool? Private);
public sealed record AddItemRequest(Guid? EntryId, int? Position);
public sealed record MoveItemRequest(int? Position);
public sealed record PlaylistItemDto(Guid EntryId, int Position);

/// <summary>
/// <c>/api/v1/playlists</c>: static playlists (add, remove, move items) and dynamic ones (a stored entry query);
/// their entries page by page, and an M3U with signed stream links for players. Who may read and change which one is
/// <see cref="PlaylistAccess"/>'s rule, applied by <see cref="PlaylistService"/> for every door.
/// </summary>
public static class PlaylistsApi
{
    private const int MaxM3uEntries = 5000;

    public static RouteGroupBuilder MapPlaylists(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/playlists").WithTags("Playlists");
        g.MapGet("/", List).WithName("ListPlaylists").WithSummary("Every playlist the caller may read (all public ones and their own private ones; admins: all).");
        g.MapPost("/", Create).WithName("CreatePlaylist").WithSummary("Create a static playlist, or a dynamic one from a query.");
        g.MapGet("/{id:guid}", Get).WithName("GetPlaylist").WithSummary("One playlist.");
        g.MapPatch("/{id:guid}", Update).WithName("UpdatePlaylist").WithSummary("Rename, describe, make private or public, or change a dynamic playlist's query (its creator or an admin).");
        g.MapDelete("/{id:guid}", Delete).WithName("DeletePlaylist").WithSummary("Delete a playlist (its creator or an admin); entries stay.");
        g.MapPost("/{id:guid}/items", AddItem).WithName("AddPlaylistItem").WithSummary("Add an entry to a static playlist at a position (0-based; default: the end).");
        g.MapDelete("/{id:guid}/items/{entryId:guid}", RemoveItem).WithName("RemovePlaylistItem").WithSummary("Take an entry out of a static playlist.");
        g.MapPost("/{id:guid}/items/{entryId:guid}/move", MoveItem).WithName("MovePlaylistItem").WithSummary("Move an entry to another position (0-based).");
        g.MapGet("/{id:guid}/entries", Entries).WithName("ListPlaylistEntries")
            .WithSummary("The playlist's entries in order, a page at a time (dynamic playlists are evaluated now).");
        g.MapGet("/{id:guid}.m3u8", M3u).WithName("GetPlaylistM3u")
            .WithSummary("The playlist as M3U (UTF-8) with signed stream links valid for ttlSeconds (default 6 h).");
        return api;
    }

    private static async Task<Ok<List<PlaylistDto>>> List(ClaimsPrincipal user, PlaylistService playlists, CancellationToken ct)
    {
        var caller = user.ToRequester();
        return TypedResults.Ok((await playlists.ListAsync(caller, ct)).Select(p => PlaylistDto.From(p, caller)).ToList());
    }

    private static async Task<Created<PlaylistDto>> Create(CreatePlaylistRequest body, ClaimsPrincipal user, PlaylistService playlists, CancellationToken ct)
    {
        var caller = user.ToRequester();
        var kind = body.Kind?.Trim().ToLowerInvariant() is { Length: > 0 } k ? k : body.Query is null ? PlaylistKinds.Static : PlaylistKinds.Dynamic;
        var created = await playlists.CreateAsync(caller, body.Name ?? "", kind, body.Query, body.Description, body.Private ?? false, ct);
        return TypedResults.Created($"/api/v1/playlists/{created.Id}", PlaylistDto.From(created, caller));
    }

    private static async Task<Ok<PlaylistDto>> Get(Guid id, ClaimsPrincipal user, PlaylistService playlists, CancellationToken ct)
    {
        var caller = user.ToRequester();
        return TypedResults.Ok(PlaylistDto.From(await playlists.GetAsync(caller, id, ct), caller));
    }

    private static async Task<Ok<PlaylistDto>> Update(Guid id, UpdatePlaylistRequest body, ClaimsPrincipal user, PlaylistService playlists, CancellationToken ct)
    {
        var caller = user.ToRequester();
        var patch = new PlaylistPatch(body.Name, body.Description, body.Query, body.Private);
        return TypedResults.Ok(PlaylistDto.From(await playlists.UpdateAsync(caller, id, patch, ct), caller));
    }

    private static async Task<NoContent> Delete(Guid id, ClaimsPrincipal user, PlaylistService playlists, CancellationToken ct)
    {
        await playlists.DeleteAsync(user.ToRequester(), id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<PlaylistItemDto>> AddItem(Guid id, AddItemRequest body, ClaimsPrincipal user, PlaylistService playlists, CancellationToken ct)
    {
        var entryId = body.EntryId ?? throw new HubValidationException("entryId", "entryId is required.");
        return TypedResults.Ok(new PlaylistItemDto(entryId, await playlists.AddAsync(user.ToRequester(), id, entryId, body.Position, ct)));
    }

    private static async Task<NoContent> RemoveItem(Guid id, Guid entryId, ClaimsPrincipal user, PlaylistService playlists, CancellationToken ct)
    {
        await playlists.RemoveAsync(user.ToRequester(), id, entryId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<PlaylistItemDto>> MoveItem(Guid id, Guid entryId, MoveItemRequest body, ClaimsPrincipal user, PlaylistService playlists, CancellationToken ct)
    {
        var position = body.Position ?? throw new HubValidationException("position", "position is required.");
        return TypedResults.Ok(new PlaylistItemDto(entryId, await playlists.MoveAsync(user.ToRequester(), id, entryId, position, ct)));
    }

    private static async Task<Ok<EntryPageDto>> Entries(Guid id, ClaimsPrincipal user, PlaylistService playlists, [FromQuery] string? cursor, [FromQuery] string? limit, CancellationToken ct)
    {
        var page = await playlists.EntriesAsync(user.ToRequester(), id, string.IsNullOrWhiteSpace(cursor) ? null : cursor, Limit(limit), ct);
        return TypedResults.Ok(new EntryPageDto(page.Items.Select(EntryDto.From).ToList(), page.NextCursor));
    }

    private static async Task<ContentHttpResult> M3u(Guid id, ClaimsPrincipal user, PlaylistService playlists, SignedLinks links,
        [FromQuery] string? ttlSeconds, CancellationToken ct)
    {
        TimeSpan? ttl = null;
        if (!string.IsNullOrWhiteSpace(ttlSeconds))
        {
            ttl = int.TryParse(ttlSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s is >= 1 and <= 7 * 24 * 3600
                ? TimeSpan.FromSeconds(s) : throw new HubValidationException("ttlSeconds", "ttlSeconds must be between 1 and 604800 (7 days).");
        }
        await links.EnsureKeyAsync(ct);
        var issuer = TokenClaims.TokenIdOf(user); // revoking the token ends the playlist's links
        var m3u = new StringBuilder("#EXTM3U\n");
        string? cursor = null;
        var count = 0;
        do
        {
            var page = await playlists.EntriesAsync(user.ToRequester(), id, cursor, EntryQuery.MaxLimit, ct);
            foreach (var e in page.Items)
            {
                var seconds = e.DurationSeconds is { } d ? ((long)Math.Round(d)).ToString(CultureInfo.InvariantCulture) : "-1";
                var title = e.Title.Replace('\r', ' ').Replace('\n', ' ');
                m3u.Append("#EXTINF:").Append(seconds).Append(',').Append(title).Append('\n');
                // Without an address of its own Hub writes root-relative links, which players resolve against the
                // playlist's own URL (never the request's Host header: see PublicAddress).
                var path = links.CreatePath(e.Id, SignedLinks.Stream, SignedLinks.ClampTtl(ttl), issuer, out _);
                m3u.Append(links.ToAbsolute(path)?.AbsoluteUri ?? path).Append('\n');
            }
            count += page.Items.Count;
            cursor = page.NextCursor;
        }
        while (cursor is not null && count < MaxM3uEntries);
        return TypedResults.Text(m3u.ToString(), "audio/x-mpegurl", Encoding.UTF8);
    }

    private static int? Limit(string? limit) => string.IsNullOrWhiteSpace(limit) ? null
        : int.TryParse(limit, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
        : throw new HubValidationException("limit", "limit must be a whole number.");
}

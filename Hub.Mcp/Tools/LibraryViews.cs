using Hub.Domain.Entries;
using Hub.Domain.Playlists;
using Hub.Domain.Stats;

namespace Hub.Mcp.Tools;

public sealed record EntryView(
    Guid Id, Guid LibraryId, string MediaKind, string? Platform, string? Container, double? DurationSeconds, long SizeBytes,
    string? SourceUrl, IReadOnlyList<string> Tags, DateTimeOffset CreatedAt, RemoteText? UntrustedRemoteText)
{
    public static EntryView From(Entry e) => new(e.Id, e.LibraryId, e.MediaKind, e.Platform, e.Container, e.DurationSeconds, e.SizeBytes,
        e.SourceUrl, e.Tags, e.CreatedAt, RemoteText.Of(e.Title, e.Uploader));
}

public sealed record EntryPageView(IReadOnlyList<EntryView> Items, string? NextCursor, string Notice = RemoteText.Notice);

public sealed record EntryDetailView(EntryView Entry, string Notice = RemoteText.Notice);

public sealed record PlaylistView(Guid Id, string Name, string Kind, int? ItemCount, string? CreatedBy, DateTimeOffset CreatedAt, bool Private, RemoteText? UntrustedRemoteText)
{
    // Playlist names and descriptions are typed by people with a token, not fetched; the description is still free text
    // someone else may have written, so it is kept apart like remote text.
    public static PlaylistView From(Playlist p) => new(p.Id, p.Name, p.Kind, p.ItemCount, p.CreatedBy, p.CreatedAt, p.Private, RemoteText.Of(null, null, p.Description));
}

public sealed record PlaylistDetailView(PlaylistView Playlist, IReadOnlyList<EntryView> Entries, string? NextCursor, string Notice = RemoteText.Notice);

public sealed record StreamLinkView(Guid EntryId, string Kind, string? Url, string Path, DateTimeOffset ExpiresAt, string Message);

public sealed record TopEntryView(Guid EntryId, long Events, long Bytes, RemoteText? UntrustedRemoteText, long Plays = 0);

public sealed record StatsView(
    long Entries, long Bytes, IReadOnlyList<CountBytes> ByLibrary, IReadOnlyList<CountBytes> ByMediaKind, IReadOnlyList<CountBytes> ByPlatform,
    IReadOnlyList<DayCount> ImportsPerDay, IReadOnlyDictionary<string, long> JobsByState, long? FreeBytes,
    DownloadTotals Downloads, IReadOnlyList<TopEntryView> TopEntries, string Notice = RemoteText.Notice);

/// <summary>What a tool that changes something did, in a sentence.</summary>
public sealed record DoneView(string Message);

public sealed record PlaylistChangeView(Guid PlaylistId, Guid EntryId, int? Position, string Message);

/// <summary>Lists come wrapped in an object: structured content must be an object for clients before MCP 2026-07-28.</summary>
public sealed record PlaylistListView(IReadOnlyList<PlaylistView> Items);

public sealed record LibraryListView(IReadOnlyList<LibraryView> Items);

namespace Hub.Bot.Commands;

/// <summary>One page of hits, and where the next page starts (null: this is the last).</summary>
public sealed record EntryHits(IReadOnlyList<EntryHit> Items, string? NextCursor);

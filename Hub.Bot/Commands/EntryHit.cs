namespace Hub.Bot.Commands;

/// <summary>One search hit as the chat lists it.</summary>
public sealed record EntryHit(Guid Id, string Title, string MediaKind, double? DurationSeconds, long SizeBytes, string? LibraryName);

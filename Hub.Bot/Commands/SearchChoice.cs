namespace Hub.Bot.Commands;

/// <summary>A search being paged: the words (null for /recent) and the cursor of each page seen so far (page 0: null).</summary>
public sealed record SearchChoice(string? Query, IReadOnlyList<string?> Cursors);

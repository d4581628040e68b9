namespace Hub.Bot.Commands;

/// <summary>What a preview menu remembers between button presses.</summary>
public sealed record PreviewChoice(string Url, string? Library, string? Format, bool WholePlaylist, bool IsPlaylist, int? EntryCount, string Summary,
    long ChatId, long MessageId, Hub.Domain.Imports.ClipRange? Clip = null);

using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Access;

/// <summary>One thing a contact did in the chat and what came of it.</summary>
public sealed class Interaction
{
    public long Id { get; set; }
    public long TelegramId { get; set; }
    /// <summary>See <see cref="InteractionKinds"/>.</summary>
    public required string Kind { get; set; }
    /// <summary>The command or message text, or the button's data.</summary>
    public string? Text { get; set; }
    public required string Result { get; set; }
    public DateTimeOffset At { get; set; }
}

public static class InteractionKinds
{
    public const string Command = "command";
    public const string Message = "message";
    public const string Callback = "callback";
    public const string File = "file";

    public static bool IsValid(string? kind) => kind is Command or Message or Callback or File;
}

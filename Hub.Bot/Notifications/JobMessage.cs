namespace Hub.Bot.Notifications;

/// <summary>The chat message that shows one job, as stored.</summary>
public sealed record JobMessage(Guid JobId, long ChatId, long MessageId, long UserId, string? LastText, bool Finished);

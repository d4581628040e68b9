namespace Hub.Bot.Notifications;

/// <summary>The chat message that shows one job, as stored.</summary>
/// <param name="Origin">The subscription the job came from, when the chat was told of it for that reason (<see cref="LinkedJobs"/>).</param>
public sealed record JobMessage(Guid JobId, long ChatId, long MessageId, long UserId, string? LastText, bool Finished, string? Origin = null);

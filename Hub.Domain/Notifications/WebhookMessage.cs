namespace Hub.Domain.Notifications;

/// <summary>What one event says, before it is shaped for a receiver (<see cref="WebhookBodies"/>).</summary>
public sealed record WebhookMessage(string Event, DateTimeOffset At, WebhookJob? Job, WebhookEntry? Entry)
{
    /// <summary>One line for people: the notification's title.</summary>
    public string Headline => Event switch
    {
        WebhookEvents.JobCompleted when Job?.Duplicate == true => "Already in the library: " + Name,
        WebhookEvents.JobCompleted => "Imported: " + Name,
        WebhookEvents.JobFailed => "Import failed: " + Name,
        WebhookEvents.AwaitingReview => "Waiting for review: " + Name,
        WebhookEvents.Test => "Test from Hub",
        WebhookEvents.SubscriptionFound => "New: " + Name,
        WebhookEvents.SubscriptionFailing => "Subscription failing: " + Name,
        WebhookEvents.DiskLow => "Disk space low: " + Name,
        _ => Event + ": " + Name,
    };

    /// <summary>The details under the headline.</summary>
    public string Text => Event switch
    {
        WebhookEvents.JobCompleted when Entry is not null =>
            string.Join(" · ", new[] { Entry.Library is { } l ? "Filed into " + l : null, Size(Entry.SizeBytes), Duration(Entry.DurationSeconds) }.OfType<string>()),
        WebhookEvents.JobFailed => Job?.Error ?? "The import failed.",
        WebhookEvents.AwaitingReview => "Approve or reject it in Hub's inbox.",
        WebhookEvents.Test => "This webhook works: Hub reached it and it answered.",
        WebhookEvents.SubscriptionFound => "Hub is importing them.",
        WebhookEvents.SubscriptionFailing => Job?.Error ?? "The subscription's last check failed.",
        WebhookEvents.DiskLow => Job?.Error ?? "A disk Hub writes to is nearly full.",
        _ => "",
    };

    /// <summary>Where a click should lead: the signed stream link of the entry, when there is one.</summary>
    public string? Link => Entry?.StreamUrl;

    private string Name => Entry?.Title ?? Job?.Title ?? Job?.Source ?? "an import";

    private static string? Size(long? bytes) => bytes switch
    {
        null => null,
        < 1024 * 1024 => $"{bytes / 1024.0:0} KB",
        < 1024L * 1024 * 1024 => $"{bytes / 1048576.0:0.#} MB",
        _ => $"{bytes / 1073741824.0:0.##} GB",
    };

    private static string? Duration(double? seconds) =>
        seconds is { } s ? TimeSpan.FromSeconds(Math.Round(s)).ToString(s >= 3600 ? @"h\:mm\:ss" : @"m\:ss", System.Globalization.CultureInfo.InvariantCulture) : null;
}

public sealed record WebhookJob(Guid Id, string Kind, string State, string? Title, string? Source, string? Error, string? ErrorKind, string Door,
    string? RequestedBy, bool Duplicate);

/// <param name="StreamUrl">A signed link that plays the entry without a token (absolute when Hub knows its public address).</param>
public sealed record WebhookEntry(Guid Id, string Title, string? Library, string MediaKind, long? SizeBytes, double? DurationSeconds, string? StreamUrl);

namespace Hub.Domain.Notifications;

/// <summary>A target an admin registered: where to POST, which events, in which body format, signed with which secret.</summary>
public sealed class Webhook
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Url { get; set; }
    public List<string> Events { get; set; } = [];
    /// <summary>json, ntfy, gotify, discord or slack (<see cref="WebhookFormats"/>).</summary>
    public string Format { get; set; } = WebhookFormats.Json;
    /// <summary>Key of the <c>X-Hub-Signature-256</c> HMAC; shown once when created.</summary>
    public required string Secret { get; set; }
    public bool Enabled { get; set; } = true;
    public string? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One attempt to deliver one event to one target.</summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }
    public Guid WebhookId { get; set; }
    public required string Event { get; set; }
    public Guid? JobId { get; set; }
    public int Attempt { get; set; }
    /// <summary>delivered, retrying or failed.</summary>
    public required string Outcome { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    public int DurationMs { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>The events a webhook can ask for.</summary>
public static class WebhookEvents
{
    public const string JobCompleted = "job.completed";
    public const string JobFailed = "job.failed";
    public const string AwaitingReview = "job.awaiting_review";
    /// <summary>A subscription's check started imports of new items.</summary>
    public const string SubscriptionFound = "subscription.found";
    /// <summary>A subscription's source failed a check (it backs off and says why).</summary>
    public const string SubscriptionFailing = "subscription.failing";
    /// <summary>The disk holding the media or the data folder has less free space than <c>Hub:Notifications:DiskLowBytes</c>.</summary>
    public const string DiskLow = "disk.low";
    /// <summary>Sent by the "send test" action only.</summary>
    public const string Test = "test";

    public static readonly IReadOnlyList<string> All = [JobCompleted, JobFailed, AwaitingReview, SubscriptionFound, SubscriptionFailing, DiskLow];
}

/// <summary>The body shapes: Hub's own JSON, or what ntfy, Gotify, Discord and Slack accept as they are.</summary>
public static class WebhookFormats
{
    public const string Json = "json";
    public const string Ntfy = "ntfy";
    public const string Gotify = "gotify";
    public const string Discord = "discord";
    public const string Slack = "slack";

    public static readonly IReadOnlyList<string> All = [Json, Ntfy, Gotify, Discord, Slack];
}

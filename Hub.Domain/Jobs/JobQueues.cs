namespace Hub.Domain.Jobs;

public static class JobQueues
{
    public const string Probe = "probe";
    public const string Download = "download";
    public const string Expand = "expand";
    public const string Maintenance = "maintenance";
    /// <summary>Outbound notifications (webhook deliveries).</summary>
    public const string Notify = "notify";
    /// <summary>Subscription checks (the imports they start go to the probe queue like any other).</summary>
    public const string Subscriptions = "subscriptions";

    /// <summary>
    /// Queues of Hub's own work (housekeeping, webhook deliveries, subscription checks, library scans, tool updates):
    /// nobody's imports, hidden from people's job lists unless asked for. "scan", "tools" and "thumbnails" are
    /// <c>ScanService.Queue</c>, <c>ToolUpdateHandler.ToolsQueue</c> and <c>ThumbnailHandler.QueueName</c>.
    /// </summary>
    public static readonly IReadOnlyList<string> System = [Maintenance, Notify, Subscriptions, "scan", "tools", "thumbnails"];

    public static bool IsSystem(string queue) => System.Contains(queue);
}

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

    /// <summary>Queues of Hub's own work (housekeeping, deliveries): nobody's imports, hidden from people's job lists.</summary>
    public static bool IsSystem(string queue) => queue is Maintenance or Notify or Subscriptions;
}

namespace Hub.Domain.Jobs;

public static class JobQueues
{
    public const string Probe = "probe";
    public const string Download = "download";
    public const string Expand = "expand";
    public const string Maintenance = "maintenance";
}

namespace Hub.Domain.Jobs;

/// <summary>The job states and the only transitions between them.</summary>
public static class JobStates
{
    public const string Queued = "queued";
    public const string Probing = "probing";
    public const string AwaitingReview = "awaiting_review";
    public const string Downloading = "downloading";
    public const string Processing = "processing";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Stalled = "stalled";
    public const string Retrying = "retrying";

    public static readonly IReadOnlyList<string> All =
        [Queued, Probing, AwaitingReview, Downloading, Processing, Completed, Failed, Cancelled, Stalled, Retrying];

    /// <summary>States a worker holds a lease in.</summary>
    public static readonly IReadOnlyList<string> Running = [Probing, Downloading, Processing];

    /// <summary>States waiting for a worker to claim them.</summary>
    public static readonly IReadOnlyList<string> Claimable = [Queued, Retrying];

    public static readonly IReadOnlyList<string> Terminal = [Completed, Failed, Cancelled];

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        [Queued] = [Probing, Downloading, Processing, AwaitingReview, Cancelled, Failed],
        [Retrying] = [Probing, Downloading, Processing, Cancelled, Failed],
        [Probing] = [AwaitingReview, Queued, Downloading, Processing, Completed, Failed, Cancelled, Stalled, Retrying],
        [Downloading] = [Processing, Queued, Completed, Failed, Cancelled, Stalled, Retrying],
        [Processing] = [Queued, Completed, Failed, Cancelled, Stalled, Retrying],
        [AwaitingReview] = [Queued, Cancelled, Failed],
        [Stalled] = [Retrying, Failed, Cancelled],
        // A finished job can be retried by hand; nothing else leaves a terminal state.
        [Failed] = [Queued],
        [Cancelled] = [Queued],
        [Completed] = [],
    };

    public static bool IsValid(string? state) => state is not null && Allowed.ContainsKey(state);

    public static bool IsTerminal(string state) => state is Completed or Failed or Cancelled;

    public static bool IsRunning(string state) => state is Probing or Downloading or Processing;

    public static bool CanMove(string from, string to) => Allowed.TryGetValue(from, out var next) && next.Contains(to);

    public static void EnsureCanMove(string from, string to)
    {
        if (!CanMove(from, to))
        {
            throw new InvalidJobTransitionException(from, to);
        }
    }
}

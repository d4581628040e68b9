using Hub.Domain.Engines;

namespace Hub.Domain.Tests.Engines.Http;

/// <summary>Records progress synchronously, in order (Progress&lt;T&gt; would post to the thread pool and reorder).</summary>
public sealed class ProgressLog(Action<DownloadProgress>? onReport = null) : IProgress<DownloadProgress>
{
    private readonly List<DownloadProgress> _reports = [];

    public IReadOnlyList<DownloadProgress> Reports
    {
        get { lock (_reports) return _reports.ToList(); }
    }

    public void Report(DownloadProgress value)
    {
        lock (_reports) _reports.Add(value);
        onReport?.Invoke(value);
    }
}

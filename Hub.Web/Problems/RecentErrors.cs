using System.Collections.Concurrent;

namespace Hub.Web;

/// <summary>An unexpected server error as the System page lists it: the id the caller was given, where, and what.</summary>
public sealed record RecentError(string ErrorId, DateTimeOffset At, string Method, string Route, string Kind, string Message);

/// <summary>
/// The last unexpected errors since start, kept in memory so an admin can match an error id someone reports without
/// reading the log (which keeps them all, with the stack).
/// </summary>
public sealed class RecentErrors
{
    public const int Capacity = 50;
    private readonly ConcurrentQueue<RecentError> _errors = new();

    public void Add(RecentError error)
    {
        _errors.Enqueue(error);
        while (_errors.Count > Capacity && _errors.TryDequeue(out _))
        {
        }
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<RecentError> List() => [.. _errors.Reverse()];
}

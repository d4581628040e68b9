using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Hub.Web.RateLimits;

/// <summary>
/// Counts failed sign-ins per client address; once an address has used up <see cref="RateLimitOptions.SignInFailuresPerMinute"/>,
/// every token it sends is refused with 429 until the minute is over, right or wrong, so guessing tokens gets nowhere
/// (a 256-bit secret could not be guessed anyway; this keeps a flood of attempts off the database). Successful sign-ins
/// are not counted.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _failures;

    public SignInThrottle(IOptions<RateLimitOptions> options)
    {
        var limit = options.Value.SignInFailuresPerMinute;
        _failures = limit == 0 ? null
            : PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => ClientRateLimits.PerMinute(limit)));
    }

    /// <summary>False, with how long to wait, when <paramref name="address"/> has no failed attempts left this minute.</summary>
    public bool MayTry(string address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_failures is null)
        {
            return true;
        }
        // A request for zero permits tells whether any are left without taking one.
        using var lease = _failures.AttemptAcquire(address, 0);
        if (lease.IsAcquired)
        {
            return true;
        }
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return false;
    }

    public void Failed(string address)
    {
        using var _ = _failures?.AttemptAcquire(address, 1);
    }

    public void Dispose() => _failures?.Dispose();
}

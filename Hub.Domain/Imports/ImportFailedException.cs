namespace Hub.Domain.Imports;

/// <summary>
/// Why an import (probe, fetch, download, processing) failed, in words a person understands, with a stable
/// <see cref="HubException.Type"/> (e.g. "unsupported-url", "blocked-address", "http-404", "too-large") and whether
/// trying again later could help (network errors, 5xx, 429, timeouts) or not (404, unsupported, validation).
/// </summary>
public sealed class ImportFailedException(string type, string message, bool transient, Exception? inner = null)
    : HubException(type, message, inner)
{
    public bool Transient { get; } = transient;

    public static ImportFailedException Permanent(string type, string message, Exception? inner = null) => new(type, message, false, inner);

    public static ImportFailedException Retryable(string type, string message, Exception? inner = null) => new(type, message, true, inner);

    /// <summary>
    /// A write to Hub's own disk failed: <c>disk-full</c> when the device has no space left, else <c>disk</c>. Both may
    /// clear up (other downloads move out of the temp folder, an operator frees space), so both are retried.
    /// </summary>
    public static ImportFailedException FromDiskWrite(IOException ex) => IsDiskFull(ex)
        ? Retryable("disk-full", $"The disk Hub downloads to is full ({ex.Message}). Free some space, then retry the import.", ex)
        : Retryable("disk", $"Could not write the download to disk: {ex.Message}", ex);

    /// <summary>ENOSPC (errno 28, which .NET puts in HResult on Unix), or Windows' disk-full errors.</summary>
    public static bool IsDiskFull(IOException ex) =>
        ex.HResult is 28 or unchecked((int)0x80070070) or unchecked((int)0x80070027);
}

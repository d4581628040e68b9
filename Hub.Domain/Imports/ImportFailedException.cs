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
}

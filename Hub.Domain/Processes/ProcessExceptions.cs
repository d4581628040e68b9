namespace Hub.Domain.Processes;

public sealed class ProcessTimeoutException(string fileName, TimeSpan timeout)
    : TimeoutException($"{Path.GetFileName(fileName)} did not finish within {timeout.TotalSeconds:0} s and was stopped.");

public sealed class ToolNotFoundException(string fileName, Exception inner)
    : Exception($"The program '{fileName}' could not be started: {inner.Message}", inner)
{
    public string FileName { get; } = fileName;
}

public sealed class ProcessFailedException(string fileName, ProcessResult result)
    : Exception($"{Path.GetFileName(fileName)} exited with code {result.ExitCode}: {LastLines(result.Stderr)}")
{
    public ProcessResult Result { get; } = result;

    private static string LastLines(string text)
    {
        var t = text.Trim();
        return t.Length <= 2000 ? t : "…" + t[^2000..];
    }
}

namespace Hub.Domain.Processes;

/// <summary>What to run: a program with its arguments (never a formatted command line).</summary>
public sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments)
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
    public string? WorkingDirectory { get; init; }
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }
    /// <summary>Called for each stdout line as it arrives; when set, stdout is not kept in the result.</summary>
    public Action<string>? OnStdoutLine { get; init; }
    public Action<string>? OnStderrLine { get; init; }
    /// <summary>Upper bound on the captured text of each stream, so a chatty tool cannot eat memory.</summary>
    public int MaxCapturedChars { get; init; } = 4 * 1024 * 1024;
}

public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;
}

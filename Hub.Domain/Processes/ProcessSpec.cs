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
    /// <summary>
    /// Work nobody waits for (thumbnails): the tool runs below normal priority (nice 10), so while imports, streaming
    /// or the database want the CPU it takes only what they leave, and when the machine is idle it runs at full speed.
    /// </summary>
    public bool Background { get; init; }
}

public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;
}

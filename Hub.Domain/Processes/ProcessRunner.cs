using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Hub.Domain.Processes;

/// <summary>
/// The one way Hub runs tools (yt-dlp, ffprobe, aria2, PostgreSQL): arguments as a list, a hard timeout,
/// cancellation that kills the whole process tree, and stderr captured for error messages.
/// </summary>
public sealed class ProcessRunner(ILogger<ProcessRunner> logger)
{
    public async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(spec.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in spec.Arguments)
        {
            psi.ArgumentList.Add(a);
        }
        if (spec.WorkingDirectory is not null)
        {
            psi.WorkingDirectory = spec.WorkingDirectory;
        }
        if (spec.Environment is not null)
        {
            foreach (var (k, v) in spec.Environment)
            {
                if (v is null) psi.Environment.Remove(k); else psi.Environment[k] = v;
            }
        }

        var stdout = new BoundedText(spec.MaxCapturedChars);
        var stderr = new BoundedText(spec.MaxCapturedChars);
        using var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var sw = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ToolNotFoundException(spec.FileName, ex);
        }
        if (spec.Background)
        {
            LowerPriority(process);
        }
        process.StandardInput.Close();
        logger.LogDebug("Started {Tool} (pid {Pid})", Path.GetFileName(spec.FileName), process.Id);

        var outTask = PumpAsync(process.StandardOutput, line =>
        {
            if (spec.OnStdoutLine is { } cb) cb(line); else stdout.AppendLine(line);
        });
        var errTask = PumpAsync(process.StandardError, line =>
        {
            stderr.AppendLine(line);
            spec.OnStderrLine?.Invoke(line);
        });

        using var timeout = new CancellationTokenSource(spec.Timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            await Task.WhenAll(outTask, errTask).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            // Let the pumps drain what the dying process wrote; bounded so a stuck pipe cannot hang us.
            await Task.WhenAny(Task.WhenAll(outTask, errTask), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
            if (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
            {
                throw new ProcessTimeoutException(spec.FileName, spec.Timeout);
            }
            throw;
        }
        return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString(), sw.Elapsed);
    }

    /// <summary>Runs a tool and returns its stdout, or throws with its stderr when it fails.</summary>
    public async Task<string> RunCheckedAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var result = await RunAsync(spec, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new ProcessFailedException(spec.FileName, result);
        }
        return result.Stdout;
    }

    private static async Task PumpAsync(StreamReader reader, Action<string> onLine)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            onLine(line);
        }
    }

    private void LowerPriority(Process process)
    {
        try
        {
            // setpriority(2) on Linux: BelowNormal is nice 10 (Idle, nice 19, could starve it past its timeout on a
            // machine that stays busy). A child's own threads and children inherit it.
            process.PriorityClass = ProcessPriorityClass.BelowNormal;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Exited already, or not allowed here: it runs at normal priority, which is only slower for others.
            logger.LogDebug("Could not lower the priority of pid {Pid}: {Error}", process.Id, ex.Message);
        }
    }

    private void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                logger.LogDebug("Killed process tree of pid {Pid}", process.Id);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    private sealed class BoundedText(int max)
    {
        private readonly StringBuilder _sb = new();

        public void AppendLine(string line)
        {
            lock (_sb)
            {
                if (_sb.Length + line.Length + 1 <= max)
                {
                    _sb.Append(line).Append('\n');
                }
            }
        }

        public override string ToString()
        {
            lock (_sb) return _sb.ToString();
        }
    }
}

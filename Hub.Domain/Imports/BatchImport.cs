using Hub.Domain.Jobs;

namespace Hub.Domain.Imports;

public sealed record BatchOptions
{
    public bool DryRun { get; init; }
    public bool ContinueOnError { get; init; }
    public string? Library { get; init; }
    public string? Format { get; init; }
    public string Mode { get; init; } = ImportModes.Auto;
    public required string Door { get; init; }
    public string? RequestedBy { get; init; }
}

/// <param name="Note">A dry run's remark on a good line: a duplicate in the file, already in the library, or unreachable.</param>
public sealed record BatchLine(int LineNumber, string Url, string? Error, Guid? JobId)
{
    public string? Note { get; init; }
}

/// <param name="ParentJobId">The parent job reporting aggregate progress; null for a dry run or when nothing was accepted.</param>
public sealed record BatchResult(Guid? ParentJobId, bool DryRun, IReadOnlyList<BatchLine> Lines)
{
    public int Accepted => Lines.Count(l => l.Error is null);
    public int Rejected => Lines.Count(l => l.Error is not null);
}

/// <summary>Many URLs at once: one per line, blank lines and <c># comments</c> ignored.</summary>
public sealed class BatchImport(ImportService imports, JobQueue queue, BatchPreflight preflight)
{
    public const int MaxLines = 10_000;

    public static IReadOnlyList<(int LineNumber, string Url)> Parse(string text)
    {
        var result = new List<(int, string)>();
        var n = 0;
        foreach (var raw in text.Split('\n'))
        {
            n++;
            var line = raw.Trim().TrimStart('\uFEFF');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            result.Add((n, line));
        }
        return result;
    }

    public async Task<BatchResult> ImportAsync(string text, BatchOptions options, CancellationToken cancellationToken)
    {
        var lines = Parse(text);
        if (lines.Count == 0)
        {
            throw new HubValidationException("urls", "The batch has no URLs (blank lines and # comments are ignored).");
        }
        if (lines.Count > MaxLines)
        {
            throw new HubValidationException("urls", $"A batch holds at most {MaxLines:N0} URLs; this one has {lines.Count:N0}.");
        }

        var checkedLines = new List<(BatchLine Line, NewJob? Spec)>();
        foreach (var (number, url) in lines)
        {
            try
            {
                var spec = await imports.PrepareAsync(new ImportRequest
                {
                    Url = url,
                    Library = options.Library,
                    Format = options.Format,
                    Mode = options.Mode,
                    Door = options.Door,
                    RequestedBy = options.RequestedBy,
                }, cancellationToken).ConfigureAwait(false);
                checkedLines.Add((new BatchLine(number, url, null, null), spec));
            }
            catch (HubException ex)
            {
                checkedLines.Add((new BatchLine(number, url, ex.Message, null), null));
            }
        }

        var bad = checkedLines.Where(c => c.Spec is null).Select(c => c.Line).ToList();
        if (options.DryRun)
        {
            return new BatchResult(null, true, await preflight.CheckAsync(checkedLines.Select(c => c.Line).ToList(), cancellationToken).ConfigureAwait(false));
        }
        if (bad.Count > 0 && !options.ContinueOnError)
        {
            var first = bad[0];
            throw new HubValidationException("urls", $"Line {first.LineNumber}: {first.Error} ({bad.Count} bad line(s); nothing was imported. Fix them or continue on error.)");
        }
        var good = checkedLines.Where(c => c.Spec is not null).ToList();
        if (good.Count == 0)
        {
            return new BatchResult(null, false, checkedLines.Select(c => c.Line).ToList());
        }

        var parent = await queue.EnqueueAsync(new NewJob("batch", JobQueues.Expand, options.Door)
        {
            RequestedBy = options.RequestedBy,
            Title = $"Batch of {good.Count} URL(s)",
            Request = new { lines = good.Count, rejected = bad.Count },
        }, cancellationToken).ConfigureAwait(false);
        var jobs = await queue.EnqueueManyAsync(good.Select(g => g.Spec! with { ParentId = parent.Id }).ToList(), cancellationToken).ConfigureAwait(false);

        var byIndex = 0;
        var result = checkedLines.Select(c => c.Spec is null ? c.Line : c.Line with { JobId = jobs[byIndex++].Id }).ToList();
        return new BatchResult(parent.Id, false, result);
    }
}

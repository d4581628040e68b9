using Hub.Domain.Net;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Imports;

/// <summary>
/// What a dry run adds to each good line: a duplicate of an earlier line of the same file, an item already in the
/// library, or a URL that does not answer (a HEAD request through the network guard, a few at a time).
/// </summary>
public sealed class BatchPreflight(GuardedHttp http, IDbContextFactory<HubDbContext> dbFactory)
{
    /// <summary>How many URLs are probed at once.</summary>
    public const int Concurrency = 4;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The lines again, each good one with its <see cref="BatchLine.Note"/> when there is something to say.</summary>
    public async Task<IReadOnlyList<BatchLine>> CheckAsync(IReadOnlyList<BatchLine> lines, CancellationToken cancellationToken)
    {
        var result = lines.ToArray();
        var firstSeen = new Dictionary<string, int>(StringComparer.Ordinal);
        var toProbe = new List<int>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < result.Length; i++)
        {
            if (result[i].Error is not null || ImportService.Normalize(result[i].Url) is not { } normalized)
            {
                continue;
            }
            if (firstSeen.TryGetValue(normalized, out var earlier))
            {
                result[i] = result[i] with { Note = $"duplicate of line {earlier}" };
                continue;
            }
            firstSeen[normalized] = result[i].LineNumber;
            if (await ImportService.FindDuplicateAsync(db, normalized, null, null, null, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                result[i] = result[i] with { Note = $"already in the library: {entry.Title} (entry {entry.Id})" };
                continue;
            }
            toProbe.Add(i);
        }
        await Parallel.ForEachAsync(toProbe, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            if (await ProbeAsync(result[i].Url, ct).ConfigureAwait(false) is { } problem)
            {
                result[i] = result[i] with { Note = "unreachable: " + problem };
            }
        }).ConfigureAwait(false);
        return result;
    }

    /// <summary>Null when the URL answers; else why not. A server that refuses HEAD (405, 501) is asked for one byte instead.</summary>
    private async Task<string?> ProbeAsync(string url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url), HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if ((int)head.StatusCode is 405 or 501)
            {
                using var get = new HttpRequestMessage(HttpMethod.Get, url);
                get.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 0);
                using var response = await http.SendAsync(get, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                return Problem(response);
            }
            return Problem(head);
        }
        catch (ImportFailedException ex)
        {
            return ex.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {ProbeTimeout.TotalSeconds:0} s";
        }
    }

    private static string? Problem(HttpResponseMessage response) =>
        (int)response.StatusCode >= 400 ? $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd() : null;
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Hub.Chaos.Tests.Support;
using Hub.Testing;

namespace Hub.Chaos.Tests;

/// <summary>
/// 50 imports submitted at once while 100 readers fetch random byte ranges of the library through
/// <c>/entries/{id}/stream</c>: every import completes once, every 206 carries exactly the bytes asked for.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class LoadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Imports = 50, Readers = 100, ReadsPerReader = 12;
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "hub-chaos-load-" + Guid.NewGuid().ToString("N")[..10]);
    private string _connectionString = "";
    private MediaSite _site = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync("chaosload");
        _site = await MediaSite.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(_connectionString);
        try { Directory.Delete(_dataDir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    [Fact]
    public async Task FiftyImportsWithHundredRangeReaders_AllCompleteOnce_EveryRangeExact()
    {
        var started = Stopwatch.StartNew();
        var invariants = new Invariants(_connectionString, _dataDir);
        var port = HubProcess.FreePort();
        var log = new StatusLog();
        await using var serve = await ServeProcess.StartAsync(port, ServeProcess.Env(_connectionString, _dataDir));
        var api = log.Client(new Uri($"http://127.0.0.1:{port}"), await ServeProcess.FirstTokenAsync(serve));

        // A few entries to read from, imported first.
        var seed = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            seed.Add(await _site.AddAsync($"seed-{i}.mp4", 600_000));
        }
        foreach (var url in seed)
        {
            await ServeProcess.ImportAsync(api, url);
        }
        await invariants.WaitForJobsToEndAsync(seed, TimeSpan.FromSeconds(120));
        var library = new List<(Guid Id, byte[] Bytes)>();
        foreach (var url in seed)
        {
            library.Add((await invariants.ScalarAsync<Guid>("SELECT id FROM entries WHERE source_url = $1", url), _site.Bytes(Path.GetFileName(new Uri(url).AbsolutePath))));
        }

        var urls = new List<string>();
        for (var i = 0; i < Imports; i++)
        {
            urls.Add(await _site.AddAsync($"load-{i:00}.mp4", 150_000 + i * 1000));
        }
        var wrong = new ConcurrentQueue<string>();
        var exact = 0;
        var readers = Enumerable.Range(0, Readers).Select(r => Task.Run(async () =>
        {
            var rng = new Random(r);
            for (var n = 0; n < ReadsPerReader; n++)
            {
                var (id, bytes) = library[rng.Next(library.Count)];
                var from = rng.Next(bytes.Length - 1);
                var to = Math.Min(bytes.Length - 1, from + rng.Next(1, 128 * 1024));
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/entries/{id}/stream");
                request.Headers.Range = new RangeHeaderValue(from, to);
                try
                {
                    using var response = await api.SendAsync(request);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode == HttpStatusCode.PartialContent)
                    {
                        if (body.AsSpan().SequenceEqual(bytes.AsSpan(from, to - from + 1))) Interlocked.Increment(ref exact);
                        else wrong.Enqueue($"{id} bytes={from}-{to}: {body.Length} bytes, not the ones asked for");
                    }
                    else if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                    {
                        wrong.Enqueue($"{id} bytes={from}-{to}: {(int)response.StatusCode}");
                    }
                }
                catch (HttpRequestException ex)
                {
                    wrong.Enqueue($"{id} bytes={from}-{to}: {ex.Message}");
                }
            }
        })).ToList();
        var submit = Task.WhenAll(urls.Select(u => ServeProcess.ImportAsync(api, u)));
        await Task.WhenAll(readers.Append(submit));
        await invariants.WaitForJobsToEndAsync(urls, TimeSpan.FromSeconds(300));

        var figures = new Figures($"{Imports} imports + {Readers} range readers")
        {
            Jobs = seed.Count + Imports, Faults = 0, BytesServed = _site.BytesServed, BytesNeeded = _site.Needed,
            Statuses = log.Summary(), Elapsed = started.Elapsed,
            Outcome = $"{exact}/{Readers * ReadsPerReader} ranges exact, {wrong.Count} wrong",
        };
        ChaosReport.Add(figures, output);
        Assert.True(wrong.IsEmpty, string.Join("\n", wrong.Take(10)));
        await invariants.AssertAllAsync([.. seed, .. urls]);
        log.AssertNoServerErrors();
    }
}

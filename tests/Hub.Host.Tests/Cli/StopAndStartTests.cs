using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Hub.Host.Cli;
using Hub.Testing;

namespace Hub.Host.Tests.Cli;

/// <summary>Stopping with browsers connected, and what a start tells the person running it.</summary>
public sealed partial class StopAndStartTests
{
    [Fact]
    public async Task Sigterm_WithOpenSseStreams_StopsWithoutWaitingForThem_AndSlashLeadsToTheAdmin()
    {
        var url = $"http://127.0.0.1:{HubProcess.FreePort()}";
        var env = new Dictionary<string, string?> { ["ConnectionStrings__Hub"] = await TestPostgres.CreateDatabaseAsync("sse_stop") };
        await using var hub = HubProcess.Start(["serve", $"--urls={url}"], env);
        var token = await hub.WaitForAdminTokenAsync(TimeSpan.FromSeconds(90));
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(url), Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using (var root = await http.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
            Assert.Equal("/admin/", root.Headers.Location?.OriginalString);
        }

        // Three jobs pages open: each stream has sent its first bytes and stays open.
        var streams = new List<Stream>();
        for (var i = 0; i < 3; i++)
        {
            var response = await http.GetAsync("/api/v1/jobs/stream", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var stream = await response.Content.ReadAsStreamAsync();
            Assert.True(await stream.ReadAsync(new byte[64]) > 0);
            streams.Add(stream);
        }

        var clock = Stopwatch.StartNew();
        hub.Terminate();
        await hub.WaitForExitAsync(TimeSpan.FromSeconds(60));
        clock.Stop();
        Assert.Equal(0, hub.ExitCode);
        // The README says a second or two (printed here); asserted is what tells a prompt stop from Kestrel waiting out its
        // 30 s shutdown timeout for streams that never end, with room for a machine busy with other tests.
        Console.WriteLine($"SIGTERM with 3 SSE streams open → exit: {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {clock.Elapsed} with SSE clients connected");
        foreach (var s in streams)
        {
            var buffer = new byte[4096];
            while (await s.ReadAsync(buffer) > 0)
            {
            }
            await s.DisposeAsync(); // each ended cleanly, not with a reset mid-event
        }
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080", null, false, "listens beyond this machine")]
    [InlineData("http://[::]:8080", null, false, "listens beyond this machine")]
    [InlineData("http://*:8080", null, false, "listens beyond this machine")]
    [InlineData("http://127.0.0.1:8080", null, true, "the Telegram bot is on")]
    [InlineData("http://localhost:8080", null, false, null)] // MCP clients on this machine open loopback links fine
    [InlineData("http://0.0.0.0:8080", "http://192.0.2.1:8080", true, null)]
    public void PublicUrlWarnings_SayWhatIsMissing(string listen, string? publicUrl, bool botOn, string? expected)
    {
        var warnings = ServeCommand.PublicUrlWarnings([listen], publicUrl, botOn);
        if (expected is null)
        {
            Assert.Empty(warnings);
        }
        else
        {
            Assert.Contains(expected, Assert.Single(warnings));
            Assert.Contains("Hub:PublicUrl", warnings[0]);
        }
    }
}

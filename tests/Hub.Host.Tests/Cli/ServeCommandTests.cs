using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;

namespace Hub.Host.Tests.Cli;

/// <summary>
/// `hub serve` as a newcomer runs it: no configuration at all, so it starts its private PostgreSQL,
/// prints an admin token on first start, and leaves nothing running after SIGTERM.
/// </summary>
public sealed partial class ServeCommandTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "hub-serve-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    [Fact]
    public async Task Serve_OnEmbeddedDefaults_IsReady_PrintsAdminToken_StopsCleanly_AndReusesDataOnRestart()
    {
        var port = HubProcess.FreePort();
        var url = $"http://127.0.0.1:{port}";
        var env = new Dictionary<string, string?> { ["Hub__DataDir"] = _dataDir };
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };

        string token;
        await using (var first = HubProcess.Start(["serve", $"--urls={url}"], env))
        {
            token = await first.WaitForAdminTokenAsync(TimeSpan.FromSeconds(90));
            Assert.StartsWith("hub_", token);
            Assert.Contains($"{url}/admin/", first.Stdout);

            var ready = await http.GetFromJsonAsync<JsonElement>("/health/ready");
            Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v1/me")).StatusCode);
            Assert.DoesNotContain(token, first.Stderr); // the token is shown, never logged

            first.Terminate();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, first.ExitCode);
        }
        Assert.Empty(ProcessInfo.Find(Path.Combine(_dataDir, "postgres")));
        Assert.False(File.Exists(Path.Combine(_dataDir, "postgres", "cluster", "postmaster.pid")));

        await using (var second = HubProcess.Start(["serve", $"--urls={url}"], env))
        {
            await second.WaitForOutputAsync("Hub is ready", TimeSpan.FromSeconds(90));
            Assert.DoesNotContain("Admin token", second.Stdout); // only on the very first start
            Assert.Contains($"{url}/admin/", second.Stdout); // but where the admin is, at every start
            Assert.Contains($"Data:       {_dataDir}", second.Stdout);
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var me = await (await http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("admin", me.GetProperty("role").GetString());

            second.Signal(2); // Ctrl+C
            await second.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
        Assert.Empty(ProcessInfo.Find(Path.Combine(_dataDir, "postgres")));
    }

    /// <summary>
    /// kill -9 of `hub serve` leaves its private PostgreSQL running with nobody to stop it: the next start takes it
    /// over (not only attaches), so a clean stop after that stops it too, and nothing is left running.
    /// </summary>
    [Fact]
    public async Task Serve_KilledHard_NextStartTakesOverItsPostgres_AndStopsIt()
    {
        var url = $"http://127.0.0.1:{HubProcess.FreePort()}";
        var env = new Dictionary<string, string?> { ["Hub__DataDir"] = _dataDir };
        await using (var first = HubProcess.Start(["serve", $"--urls={url}"], env))
        {
            await first.WaitForAdminTokenAsync(TimeSpan.FromSeconds(90));
            first.Kill();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.NotEmpty(ProcessInfo.Find(Path.Combine(_dataDir, "postgres"))); // left behind

        await using (var second = HubProcess.Start(["serve", $"--urls={url}"], env))
        {
            await second.WaitForOutputAsync("Hub is ready", TimeSpan.FromSeconds(90));
            Assert.Contains("Took over the private PostgreSQL", second.Stdout + second.Stderr);
            second.Terminate();
            await second.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, second.ExitCode);
        }
        Assert.Empty(ProcessInfo.Find(Path.Combine(_dataDir, "postgres")));
    }
}

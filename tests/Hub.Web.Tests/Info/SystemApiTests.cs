using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Domain.Jobs;
using Hub.Domain.Storage;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;

namespace Hub.Web.Tests.Info;

public sealed class SystemApiTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    [Fact]
    public async Task System_ForAdmins_UptimeFoldersWithDisk_AndFailedJobs()
    {
        var failed = new Job { Id = Guid.NewGuid(), Kind = "import", State = JobStates.Failed, Title = "Broken link", Error = "HTTP 404", ErrorKind = "not_found",
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        await using (var db = await app.Get<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            db.Jobs.Add(failed);
            await db.SaveChangesAsync();
        }
        var user = await app.CreateClientAsync("user");
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/api/v1/system")).StatusCode);

        var admin = await app.CreateClientAsync("admin");
        var system = await admin.GetFromJsonAsync<JsonElement>("/api/v1/system");
        Assert.True(system.GetProperty("uptimeSeconds").GetInt64() >= 0);
        Assert.True(system.GetProperty("startedAt").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
        var folders = system.GetProperty("folders").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);
        Assert.StartsWith(app.DataDir, folders["Media"].GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.True(folders["Media"].GetProperty("freeBytes").GetInt64() > 0);
        Assert.True(folders["Data"].GetProperty("totalBytes").GetInt64() >= folders["Data"].GetProperty("freeBytes").GetInt64());
        var libraries = await admin.GetFromJsonAsync<JsonElement>("/api/v1/libraries");
        foreach (var library in libraries.EnumerateArray())
        {
            Assert.True(folders.ContainsKey("Library " + library.GetProperty("name").GetString()), library.ToString());
        }
        Assert.Equal(JsonValueKind.Array, system.GetProperty("recentErrors").ValueKind); // filled in ErrorIdTests, which can break the app on purpose
        var failure = Assert.Single(system.GetProperty("recentFailures").EnumerateArray(), j => j.GetProperty("id").GetGuid() == failed.Id);
        Assert.Equal(("HTTP 404", "not_found"), (failure.GetProperty("error").GetString(), failure.GetProperty("errorKind").GetString()));
    }
}

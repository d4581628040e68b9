using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;

namespace Hub.Web.Tests.Scanning;

public sealed class ScanApiTests(PipelineAppFactory app) : IClassFixture<PipelineAppFactory>
{
    private async Task PutAsync(string root, string name, string tag)
    {
        var path = Path.Combine(root, name);
        File.Copy(await TestMedia.VariantAsync(await TestMedia.VideoAsync(), tag), path, overwrite: true);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-1)); // settled: not "still being written"
    }

    [Fact]
    public async Task Scan_ReturnsItsJob_ThenUnmatchedFilesAreResolvedOrIgnored_AdminOnly()
    {
        var (admin, _) = await app.CallerAsync("admin");
        var (user, _) = await app.CallerAsync("user");
        var created = await admin.PostAsJsonAsync("/api/v1/libraries", new { name = "Scan Web", rootFolder = "scan-web", mediaKind = "any" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var root = Path.Combine(app.DataDir, "media", "scan-web");
        Directory.CreateDirectory(root);
        await PutAsync(root, "Web.Film.2015.1080p.mp4", "scan-web-film");
        await PutAsync(root, "random_clip.mp4", "scan-web-a");
        await PutAsync(root, "other_clip.mp4", "scan-web-b");

        await ProblemAssert.IsAsync(await user.PostAsync("/api/v1/libraries/scan-web/scan", null), 403, "forbidden");
        var started = await admin.PostAsync("/api/v1/libraries/scan-web/scan", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = await started.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("scan", job.GetProperty("kind").GetString());
        var done = await PipelineAppFactory.WaitAsync(admin, job.GetProperty("id").GetGuid());
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());

        await ProblemAssert.IsAsync(await user.GetAsync("/api/v1/scan/unmatched"), 403, "forbidden");
        var unmatched = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/scan/unmatched")).EnumerateArray()
            .OrderBy(u => u.GetProperty("path").GetString()).ToList();
        Assert.Equal(["other_clip.mp4", "random_clip.mp4"], unmatched.Select(u => Path.GetFileName(u.GetProperty("path").GetString()!)).ToArray());

        var resolve = await admin.PostAsJsonAsync($"/api/v1/scan/unmatched/{unmatched[1].GetProperty("id").GetGuid()}/resolve", new { title = "A Named Clip" });
        Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        var entryId = (await resolve.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("entryId").GetGuid();
        var entry = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{entryId}");
        Assert.Equal("A Named Clip", entry.GetProperty("title").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/v1/scan/unmatched/{unmatched[0].GetProperty("id").GetGuid()}/ignore", null)).StatusCode);
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement>("/api/v1/scan/unmatched")).EnumerateArray());
        await ProblemAssert.IsAsync(await admin.PostAsync($"/api/v1/scan/unmatched/{unmatched[0].GetProperty("id").GetGuid()}/ignore", null), 404, "not-found");
        await ProblemAssert.IsAsync(await admin.PostAsync("/api/v1/libraries/no-such-library/scan", null), 404, "not-found");
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Domain;
using Hub.Domain.Jobs;
using Hub.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Hub.Web.Tests.Jobs;

public sealed class JobMediaApiTests(PipelineAppFactory app) : IClassFixture<PipelineAppFactory>
{
    [Fact]
    public async Task MidDownload_ServesOnlyTheBytesOnDisk_AndTheEntryOnceCompleted()
    {
        var (client, _) = await app.CallerAsync("user");
        var (stranger, _) = await app.CallerAsync("user");
        var bytes = await File.ReadAllBytesAsync(await TestMedia.VideoAsync());
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var name = $"play-{Guid.NewGuid():N}.mp4";
        // Half the clip at once, then a trickle (so the engine keeps writing what arrives) until the test opens the gate.
        (await app.SiteAsync()).Map(name, async ctx =>
        {
            ctx.Response.ContentType = "video/mp4";
            ctx.Response.ContentLength = bytes.Length;
            if (HttpMethods.IsHead(ctx.Request.Method)) return;
            var pos = bytes.Length / 2;
            await ctx.Response.Body.WriteAsync(bytes.AsMemory(0, pos), ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            while (!gate.Task.IsCompleted && pos < bytes.Length - 1024)
            {
                await ctx.Response.Body.WriteAsync(bytes.AsMemory(pos, 16), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                pos += 16;
                await Task.Delay(100, ctx.RequestAborted);
            }
            await ctx.Response.Body.WriteAsync(bytes.AsMemory(pos), ctx.RequestAborted);
        });
        var created = await client.PostAsJsonAsync("/api/v1/imports", new { url = (await app.SiteAsync()).Url(name).AbsoluteUri });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var media = $"/api/v1/jobs/{id}/media";

        // Nothing on disk until the engine starts writing: 409, then the first bytes.
        HttpResponseMessage whole;
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            whole = await client.GetAsync(media);
            if (whole.StatusCode != HttpStatusCode.Conflict || DateTime.UtcNow > until) break;
            await ProblemAssert.IsAsync(whole, 409, "not-playable-yet");
            await Task.Delay(100);
        }
        var body = await whole.Content.ReadAsByteArrayAsync();
        Assert.True(whole.StatusCode == HttpStatusCode.OK, $"{whole.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        Assert.Equal("video/mp4", whole.Content.Headers.ContentType?.MediaType);
        Assert.True(whole.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        Assert.Equal(body.Length, whole.Content.Headers.ContentLength);
        Assert.InRange(body.Length, 1, bytes.Length - 1024);
        Assert.Equal(bytes[..body.Length], body);

        var part = await GetAsync(client, media, new RangeHeaderValue(10, 99));
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        var onDisk = part.Content.Headers.ContentRange!.Length!.Value;
        Assert.InRange(onDisk, body.Length, bytes.Length - 1024);
        Assert.Equal(bytes[10..100], await part.Content.ReadAsByteArrayAsync());

        var suffix = await GetAsync(client, media, new RangeHeaderValue { Ranges = { new RangeItemHeaderValue(null, 100) } });
        Assert.Equal(HttpStatusCode.PartialContent, suffix.StatusCode);
        var end = suffix.Content.Headers.ContentRange!.Length!.Value;
        Assert.Equal(end - 100, suffix.Content.Headers.ContentRange.From);
        Assert.Equal(bytes[(int)(end - 100)..(int)end], await suffix.Content.ReadAsByteArrayAsync());

        // Inside the file the site is sending, but past what has arrived.
        var past = await GetAsync(client, media, new RangeHeaderValue(bytes.Length - 10, null));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, past.StatusCode);
        Assert.Null(past.Content.Headers.ContentRange!.From);
        Assert.InRange(past.Content.Headers.ContentRange.Length!.Value, end, bytes.Length - 1024);

        var foreign = await stranger.GetAsync(media);
        Assert.Contains($"No job {id}", (await ProblemAssert.IsAsync(foreign, 404, "not-found")).GetProperty("detail").GetString());

        gate.SetResult();
        Assert.Equal("completed", (await PipelineAppFactory.WaitAsync(client, id)).GetProperty("state").GetString());
        var done = await client.GetAsync(media);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.NotNull(done.Headers.ETag); // the entry's file now, with its validators
        Assert.Equal(bytes, await done.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task SignedLink_PlaysTheGrowingFileWithoutAToken_ThenTheEntry_AndOnlyItsOwnerMayMakeOne()
    {
        var (client, _) = await app.CallerAsync("user");
        var (stranger, _) = await app.CallerAsync("user");
        var bytes = await File.ReadAllBytesAsync(await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "signed-play"));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var name = $"signed-{Guid.NewGuid():N}.mp4";
        (await app.SiteAsync()).Map(name, async ctx =>
        {
            ctx.Response.ContentType = "video/mp4";
            ctx.Response.ContentLength = bytes.Length;
            if (HttpMethods.IsHead(ctx.Request.Method)) return;
            // Half at once, then a trickle (the engine writes what arrives) until the gate opens.
            var pos = bytes.Length / 2;
            await ctx.Response.Body.WriteAsync(bytes.AsMemory(0, pos), ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            while (!gate.Task.IsCompleted && pos < bytes.Length - 1024)
            {
                await ctx.Response.Body.WriteAsync(bytes.AsMemory(pos, 16), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                pos += 16;
                await Task.Delay(100, ctx.RequestAborted);
            }
            await ctx.Response.Body.WriteAsync(bytes.AsMemory(pos), ctx.RequestAborted);
        });
        var created = await client.PostAsJsonAsync("/api/v1/imports", new { url = (await app.SiteAsync()).Url(name).AbsoluteUri });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var foreign = await stranger.PostAsJsonAsync($"/api/v1/jobs/{id}/media/links", new { });
        await ProblemAssert.IsAsync(foreign, 404, "not-found");
        await ProblemAssert.IsAsync(await client.PostAsJsonAsync($"/api/v1/jobs/{id}/media/links", new { ttlSeconds = 0 }), 400, "validation", "ttlSeconds");
        var made = await client.PostAsJsonAsync($"/api/v1/jobs/{id}/media/links", new { ttlSeconds = 600 });
        Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        var link = await made.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("job-media", link.GetProperty("kind").GetString());
        var path = link.GetProperty("path").GetString()!;
        Assert.StartsWith("/s/", path, StringComparison.Ordinal);
        Assert.InRange(link.GetProperty("expiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddSeconds(590), DateTimeOffset.UtcNow.AddSeconds(610));

        using var anonymous = app.CreateClient(); // no token: the link is the permission
        HttpResponseMessage first;
        var until = DateTime.UtcNow.AddSeconds(60);
        while ((first = await anonymous.GetAsync(path)).StatusCode == HttpStatusCode.Conflict && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }
        var body = await first.Content.ReadAsByteArrayAsync();
        Assert.True(first.StatusCode == HttpStatusCode.OK, $"{first.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        Assert.True(first.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        Assert.InRange(body.Length, 1, bytes.Length - 1024);
        Assert.Equal(bytes[..body.Length], body);
        var part = await GetAsync(anonymous, path, new RangeHeaderValue(10, 99));
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(bytes[10..100], await part.Content.ReadAsByteArrayAsync());

        // Tampered with (another job's id, the same signature): refused like an entry's link.
        var tampered = path[..5] + (path[5] == 'A' ? 'B' : 'A') + path[6..];
        await ProblemAssert.IsAsync(await anonymous.GetAsync(tampered), 403, "invalid-link");

        gate.SetResult();
        Assert.Equal("completed", (await PipelineAppFactory.WaitAsync(client, id)).GetProperty("state").GetString());
        var done = await anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.NotNull(done.Headers.ETag); // the entry's file now
        Assert.Equal(bytes, await done.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task UnknownJob_Is404()
    {
        var (client, _) = await app.CallerAsync("user");
        var id = Guid.NewGuid();
        var problem = await ProblemAssert.IsAsync(await client.GetAsync($"/api/v1/jobs/{id}/media"), 404, "not-found");
        Assert.Contains($"No job {id}", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(null, null)] // nothing downloaded yet
    [InlineData("clip.mp4.part", null)] // yt-dlp's part file: no sidecar, not the HTTP engine's single file
    [InlineData("bundle.zip.part", "bundle.zip")] // the HTTP engine's, but an archive plays only once unpacked
    public async Task NothingPlayableOnDisk_Is409NotPlayableYet(string? partName, string? sidecarName)
    {
        var (client, key) = await app.CallerAsync("user");
        var job = await app.ParkedJobAsync(key);
        if (partName is not null)
        {
            var dir = JobWorkDirs.For(job, app.Get<IOptions<HubOptions>>().Value);
            Directory.CreateDirectory(dir);
            await File.WriteAllBytesAsync(Path.Combine(dir, partName), new byte[4096]);
            if (sidecarName is not null)
            {
                await File.WriteAllTextAsync(Path.Combine(dir, partName + ".json"),
                    JsonSerializer.Serialize(new { Url = "http://127.0.0.1/x", FileName = sidecarName, ContentType = "application/zip" }));
            }
        }
        await ProblemAssert.IsAsync(await client.GetAsync($"/api/v1/jobs/{job.Id}/media"), 409, "not-playable-yet");
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, RangeHeaderValue range)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Range = range;
        return await client.SendAsync(request);
    }
}

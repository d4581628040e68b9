using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Domain.Imports;
using Hub.Domain.Maintenance;
using Hub.Testing;
using Microsoft.AspNetCore.Hosting;

namespace Hub.Web.Tests.Imports;

/// <summary>The tus-style resumable uploads at /api/v1/uploads, against the real app and database.</summary>
public sealed class ResumableUploadApiTests(PipelineAppFactory app) : IClassFixture<PipelineAppFactory>
{
    private string ResumableDir => Path.Combine(app.DataDir, "tmp", "resumable");

    [Fact]
    public async Task Chunks_ResumedFromTheServersOffset_ImportLikeAnUpload()
    {
        var (client, key) = await app.CallerAsync("user");
        var bytes = File.ReadAllBytes(await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "resumable-chunks"));

        var created = await CreateAsync(client, bytes.Length, ("filename", "resumed clip.mp4"), ("library", "Videos"), ("format", "video_best"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("1.0.0", created.Headers.GetValues("Tus-Resumable").Single());
        var url = created.Headers.Location!.ToString();
        var dto = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, dto.GetProperty("offset").GetInt64());
        Assert.True(dto.GetProperty("chunkBytes").GetInt32() > 0);
        Assert.Equal(0, await OffsetAsync(client, url));

        var first = await PatchAsync(client, url, 0, bytes.AsMemory(0, 10_000));
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal("10000", first.Headers.GetValues("Upload-Offset").Single());
        Assert.False(first.Headers.Contains(ResumableUploadApiJobHeader));
        // As after a dropped connection: ask where the server got to, and go on from there.
        var offset = await OffsetAsync(client, url);
        Assert.Equal(10_000, offset);
        var last = await PatchAsync(client, url, offset, bytes.AsMemory((int)offset));
        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        var jobId = Guid.Parse(last.Headers.GetValues(ResumableUploadApiJobHeader).Single());

        var done = await PipelineAppFactory.WaitAsync(client, jobId);
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        Assert.Equal("resumed clip", done.GetProperty("title").GetString());
        Assert.Equal(key, done.GetProperty("requestedBy").GetString());
        Assert.Equal("video_best", done.GetProperty("format").GetString());
        Assert.Equal("api", done.GetProperty("door").GetString());
        var entry = await client.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{done.GetProperty("entryId").GetGuid()}");
        Assert.Equal(bytes.Length, entry.GetProperty("sizeBytes").GetInt64());
        Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), entry.GetProperty("contentHash").GetString());

        // The record stays until it expires, so a client that lost the last reply still learns the job.
        var status = await client.GetFromJsonAsync<JsonElement>(url);
        Assert.Equal(bytes.Length, status.GetProperty("offset").GetInt64());
        Assert.Equal(jobId, status.GetProperty("jobId").GetGuid());
        var head = await client.SendAsync(Tus(HttpMethod.Head, url));
        Assert.Equal(jobId.ToString(), head.Headers.GetValues(ResumableUploadApiJobHeader).Single());
        Assert.False(File.Exists(Path.Combine(ResumableDir, IdOf(url) + ".part")));
    }

    [Fact]
    public async Task WrongOffset_Is409WithTheServersOffset_AndNothingIsLost()
    {
        var (client, _) = await app.CallerAsync("user");
        var bytes = File.ReadAllBytes(await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "resumable-409"));
        var url = (await CreateAsync(client, bytes.Length, ("filename", "clip.mp4"))).Headers.Location!.ToString();
        await PatchAsync(client, url, 0, bytes.AsMemory(0, 4096));

        foreach (var wrong in new[] { 0L, 2048L, 8192L })
        {
            var response = await PatchAsync(client, url, wrong, bytes.AsMemory((int)wrong, 1024));
            var problem = await ProblemAssert.IsAsync(response, 409, "offset-mismatch");
            Assert.Equal("4096", response.Headers.GetValues("Upload-Offset").Single());
            Assert.Contains("4096", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(4096, await OffsetAsync(client, url));
        var last = await PatchAsync(client, url, 4096, bytes.AsMemory(4096));
        var job = await PipelineAppFactory.WaitAsync(client, Guid.Parse(last.Headers.GetValues(ResumableUploadApiJobHeader).Single()));
        var entry = await client.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{job.GetProperty("entryId").GetGuid()}");
        Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), entry.GetProperty("contentHash").GetString());
    }

    [Fact]
    public async Task ChunkPastTheDeclaredLength_Is413_AndKeepsWhatWasThere()
    {
        var (client, _) = await app.CallerAsync("user");
        var bytes = File.ReadAllBytes(await TestMedia.VideoAsync());
        var url = (await CreateAsync(client, 10_000, ("filename", "short.mp4"))).Headers.Location!.ToString();
        await PatchAsync(client, url, 0, bytes.AsMemory(0, 6000));

        await ProblemAssert.IsAsync(await PatchAsync(client, url, 6000, bytes.AsMemory(6000, 5000)), 413, "beyond-length");
        // Without a Content-Length the server only finds out while reading: it still keeps none of it.
        var chunked = Tus(HttpMethod.Patch, url, 6000);
        chunked.Content = new StreamContent(new NoLengthStream(bytes.AsMemory(6000, 5000).ToArray()));
        chunked.Content.Headers.ContentType = new MediaTypeHeaderValue(ResumableUploadApiOffsetType);
        await ProblemAssert.IsAsync(await client.SendAsync(chunked), 413, "beyond-length");

        Assert.Equal(6000, await OffsetAsync(client, url));
        Assert.Equal(bytes.AsSpan(0, 6000).ToArray(), File.ReadAllBytes(Path.Combine(ResumableDir, IdOf(url) + ".part")));
    }

    [Fact]
    public async Task BadCreations_AreRefusedBeforeAnyByte_WithClearProblems()
    {
        var (client, _) = await app.CallerAsync("user");
        var before = Directory.Exists(ResumableDir) ? Directory.GetFiles(ResumableDir).Length : 0;

        var tooBig = await ProblemAssert.IsAsync(await CreateAsync(client, PipelineAppFactory.UploadLimit + 1, ("filename", "big.mp4")), 413, "too-large");
        Assert.Contains("Hub:Uploads:MaxBytes", tooBig.GetProperty("detail").GetString());
        var noLength = Tus(HttpMethod.Post, "/api/v1/uploads");
        noLength.Headers.Add("Upload-Metadata", "filename " + B64("a.mp4"));
        await ProblemAssert.IsAsync(await client.SendAsync(noLength), 400, "validation", "Upload-Length");
        await ProblemAssert.IsAsync(await CreateAsync(client, 1000), 400, "validation", "Upload-Metadata");
        var badBase64 = Tus(HttpMethod.Post, "/api/v1/uploads");
        badBase64.Headers.Add("Upload-Length", "1000");
        badBase64.Headers.Add("Upload-Metadata", "filename not*base64");
        await ProblemAssert.IsAsync(await client.SendAsync(badBase64), 400, "validation", "Upload-Metadata");
        await ProblemAssert.IsAsync(await CreateAsync(client, 1000, ("filename", "notes.txt")), 415, "unsupported-media-type");
        await ProblemAssert.IsAsync(await CreateAsync(client, 1000, ("filename", "a.mp4"), ("format", "8k")), 400, "validation", "format");
        await ProblemAssert.IsAsync(await CreateAsync(client, 1000, ("filename", "a.mp4"), ("library", "No Such Library")), 400, "validation", "library");
        await ProblemAssert.IsAsync(await CreateAsync(client, 1000, ("filename", "a.mp4"), ("door", "telegram")), 400, "validation", "door");
        var noVersion = new HttpRequestMessage(HttpMethod.Post, "/api/v1/uploads");
        noVersion.Headers.Add("Upload-Length", "1000");
        var old = await client.SendAsync(noVersion);
        await ProblemAssert.IsAsync(old, 412, "tus-version");
        Assert.Equal("1.0.0", old.Headers.GetValues("Tus-Version").Single());

        Assert.Equal(before, Directory.Exists(ResumableDir) ? Directory.GetFiles(ResumableDir).Length : 0);
    }

    [Fact]
    public async Task SomeoneElsesOrAnUnknownUpload_IsNotFound_AndStaysUntouched()
    {
        var (owner, _) = await app.CallerAsync("user");
        var (other, _) = await app.CallerAsync("user");
        var (admin, _) = await app.CallerAsync("admin");
        var bytes = File.ReadAllBytes(await TestMedia.VideoAsync());
        var url = (await CreateAsync(owner, bytes.Length, ("filename", "mine.mp4"))).Headers.Location!.ToString();
        await PatchAsync(owner, url, 0, bytes.AsMemory(0, 3000));

        foreach (var stranger in new[] { other, admin })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.SendAsync(Tus(HttpMethod.Head, url))).StatusCode);
            await ProblemAssert.IsAsync(await PatchAsync(stranger, url, 3000, bytes.AsMemory(3000, 1000)), 404, "not-found");
            await ProblemAssert.IsAsync(await stranger.SendAsync(Tus(HttpMethod.Delete, url)), 404, "not-found");
            await ProblemAssert.IsAsync(await stranger.GetAsync(url), 404, "not-found");
        }
        await ProblemAssert.IsAsync(await PatchAsync(owner, $"/api/v1/uploads/{Guid.NewGuid()}", 0, bytes.AsMemory(0, 10)), 404, "not-found");
        Assert.Equal(3000, await OffsetAsync(owner, url));
    }

    [Fact]
    public async Task ContentNotWhatTheNameSays_Is415_AndTheUploadIsRemoved()
    {
        var (client, _) = await app.CallerAsync("user");
        var text = Encoding.UTF8.GetBytes(new string('x', 5000));
        var url = (await CreateAsync(client, text.Length, ("filename", "fake.mp4"))).Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.NoContent, (await PatchAsync(client, url, 0, text.AsMemory(0, 100))).StatusCode); // too little to tell yet

        var problem = await ProblemAssert.IsAsync(await PatchAsync(client, url, 100, text.AsMemory(100, 900)), 415, "unsupported-media-type");
        Assert.Contains(".mp4", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(Tus(HttpMethod.Head, url))).StatusCode);
        Assert.Empty(Directory.GetFiles(ResumableDir, IdOf(url) + "*"));
    }

    [Fact]
    public async Task WhileAnotherRequestWrites_Is423_ThenDelete_RemovesEverything()
    {
        var (client, _) = await app.CallerAsync("user");
        var bytes = File.ReadAllBytes(await TestMedia.VideoAsync());
        var url = (await CreateAsync(client, bytes.Length, ("filename", "busy.mp4"))).Headers.Location!.ToString();
        using (app.Get<ResumableUploadStore>().TryClaim(Guid.Parse(IdOf(url))))
        {
            await ProblemAssert.IsAsync(await PatchAsync(client, url, 0, bytes.AsMemory(0, 1000)), 423, "upload-busy");
        }
        await PatchAsync(client, url, 0, bytes.AsMemory(0, 1000));

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(Tus(HttpMethod.Delete, url))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(Tus(HttpMethod.Head, url))).StatusCode);
        Assert.Empty(Directory.GetFiles(ResumableDir, IdOf(url) + "*"));
    }

    [Fact]
    public async Task AnAbandonedUpload_Expires_Is410_AndHousekeepingRemovesIt()
    {
        var (client, _) = await app.CallerAsync("user");
        var bytes = File.ReadAllBytes(await TestMedia.VideoAsync());
        var asked = (await CreateAsync(client, bytes.Length, ("filename", "asked.mp4"))).Headers.Location!.ToString();
        var swept = (await CreateAsync(client, bytes.Length, ("filename", "swept.mp4"))).Headers.Location!.ToString();
        var fresh = (await CreateAsync(client, bytes.Length, ("filename", "fresh.mp4"))).Headers.Location!.ToString();
        foreach (var url in new[] { asked, swept, fresh })
        {
            await PatchAsync(client, url, 0, bytes.AsMemory(0, 2000));
        }
        foreach (var url in new[] { asked, swept })
        {
            // Nothing arrived for two days (the lifetime is one).
            foreach (var file in Directory.GetFiles(ResumableDir, IdOf(url) + ".*"))
            {
                File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddDays(-2));
            }
        }

        await ProblemAssert.IsAsync(await PatchAsync(client, asked, 2000, bytes.AsMemory(2000, 10)), 410, "upload-expired");
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(Tus(HttpMethod.Head, asked))).StatusCode);
        var summary = await app.Get<MaintenanceHandler>().CleanAsync(CancellationToken.None);

        Assert.True(summary.ExpiredResumable >= 1, summary.ToString());
        Assert.Empty(Directory.GetFiles(ResumableDir, IdOf(swept) + "*"));
        Assert.Equal(2000, await OffsetAsync(client, fresh));
    }

    [Fact]
    public async Task AnUploadHalfWay_SurvivesARestart_AndFinishes()
    {
        var (client, _) = await app.CallerAsync("user");
        var token = client.DefaultRequestHeaders.Authorization!;
        var bytes = File.ReadAllBytes(await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "resumable-restart"));
        string url;
        await using (var first = new SameStoreAppFactory(app))
        {
            var c = first.CreateClient();
            c.DefaultRequestHeaders.Authorization = token;
            url = (await CreateAsync(c, bytes.Length, ("filename", "restarted.mp4"))).Headers.Location!.ToString();
            await PatchAsync(c, url, 0, bytes.AsMemory(0, 50_000));
        }
        await using var second = new SameStoreAppFactory(app);
        var again = second.CreateClient();
        again.DefaultRequestHeaders.Authorization = token;

        Assert.Equal(50_000, await OffsetAsync(again, url));
        var last = await PatchAsync(again, url, 50_000, bytes.AsMemory(50_000));
        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        var job = await PipelineAppFactory.WaitAsync(again, Guid.Parse(last.Headers.GetValues(ResumableUploadApiJobHeader).Single()));
        Assert.True(job.GetProperty("state").GetString() == "completed", job.ToString());
    }

    [Fact]
    public async Task ALengthTheTempDiskCannotHold_Is507()
    {
        await using var roomy = new SameStoreAppFactory(app, ("Hub:Uploads:MaxBytes", long.MaxValue.ToString()));
        var client = roomy.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await app.CreateTokenAsync("user"));

        var problem = await ProblemAssert.IsAsync(await CreateAsync(client, long.MaxValue / 2, ("filename", "huge.mkv")), 507, "insufficient-storage");
        Assert.Contains("free", problem.GetProperty("detail").GetString());
    }

    private const string ResumableUploadApiJobHeader = "Hub-Job-Id";
    private const string ResumableUploadApiOffsetType = "application/offset+octet-stream";

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private static string IdOf(string url) => Guid.Parse(url[(url.LastIndexOf('/') + 1)..]).ToString("N");

    private static HttpRequestMessage Tus(HttpMethod method, string url, long? offset = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        if (offset is { } o) request.Headers.Add("Upload-Offset", o.ToString());
        return request;
    }

    private static Task<HttpResponseMessage> CreateAsync(HttpClient client, long length, params (string Key, string Value)[] metadata)
    {
        var request = Tus(HttpMethod.Post, "/api/v1/uploads");
        request.Headers.Add("Upload-Length", length.ToString());
        if (metadata.Length > 0) request.Headers.Add("Upload-Metadata", string.Join(",", metadata.Select(m => $"{m.Key} {B64(m.Value)}")));
        return client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, string url, long offset, ReadOnlyMemory<byte> bytes)
    {
        var request = Tus(HttpMethod.Patch, url, offset);
        request.Content = new ByteArrayContent(bytes.ToArray());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ResumableUploadApiOffsetType);
        return client.SendAsync(request);
    }

    private static async Task<long> OffsetAsync(HttpClient client, string url)
    {
        var response = await client.SendAsync(Tus(HttpMethod.Head, url));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single());
    }

    private sealed class NoLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }

    /// <summary>Another app on the fixture's database and data folder: a restart, as far as anything on disk can tell.</summary>
    private sealed class SameStoreAppFactory(PipelineAppFactory original, params (string Key, string Value)[] extra) : PipelineAppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("ConnectionStrings:Hub", original.ConnectionString);
            builder.UseSetting("Hub:DataDir", original.DataDir);
            foreach (var (key, value) in extra)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}

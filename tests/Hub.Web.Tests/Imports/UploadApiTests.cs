using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Testing;
using Hub.Web.Imports;

namespace Hub.Web.Tests.Imports;

public sealed class UploadApiTests(PipelineAppFactory app) : IClassFixture<PipelineAppFactory>
{
    private string UploadsDir => Path.Combine(app.DataDir, "tmp", "uploads");

    [Fact]
    public async Task RealMp4_IsStreamedToDisk_AndImported()
    {
        var (client, key) = await app.CallerAsync("user");
        var video = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "upload");

        var response = await client.PostAsync("/api/v1/imports/upload", Form(File.ReadAllBytes(video), "holiday clip.mp4", ("library", "Videos")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("holiday clip", job.GetProperty("title").GetString());
        Assert.Equal(key, job.GetProperty("requestedBy").GetString());
        var done = await PipelineAppFactory.WaitAsync(client, job.GetProperty("id").GetGuid());
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        Assert.NotEqual(JsonValueKind.Null, done.GetProperty("entryId").ValueKind);
        Assert.Empty(Directory.Exists(UploadsDir) ? Directory.GetFiles(UploadsDir) : []);
    }

    [Fact]
    public async Task TorrentFile_IsAccepted_AndWhatItDescribesIsImported()
    {
        var (client, _) = await app.CallerAsync("user");
        var clip = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "upload-torrent");
        await using var swarm = await TorrentSwarm.StartAsync("upload", new Dictionary<string, string> { ["Uploaded Torrent.mp4"] = clip });

        var response = await client.PostAsync("/api/v1/imports/upload", Form(swarm.TorrentBytes, "holiday.torrent"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await response.Content.ReadFromJsonAsync<JsonElement>();
        var done = await PipelineAppFactory.WaitAsync(client, job.GetProperty("id").GetGuid());
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        var entry = await client.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{done.GetProperty("entryId").GetString()}");
        Assert.Equal(new FileInfo(clip).Length, entry.GetProperty("sizeBytes").GetInt64()); // the torrent's file, not the .torrent
    }

    [Theory]
    [InlineData("d8:announce35:http://127.0.0.1:6969/announce4:info", null)]
    [InlineData("d13:announce-listll", null)]
    [InlineData("hello, not a torrent", "its content is not a .torrent (BitTorrent metainfo) file")]
    [InlineData("d1:", "its content is not a .torrent")]
    public void TorrentName_NeedsBencodedContent(string head, string? refusal)
    {
        var why = UploadTypes.Refusal("x.torrent", System.Text.Encoding.ASCII.GetBytes(head));
        if (refusal is null) Assert.Null(why); else Assert.Contains(refusal, why);
    }

    [Fact]
    public async Task TextFile_Is415()
    {
        var (client, _) = await app.CallerAsync("user");
        var response = await client.PostAsync("/api/v1/imports/upload", Form("just some notes\n"u8.ToArray(), "notes.txt"));
        await ProblemAssert.IsAsync(response, 415, "unsupported-media-type");
    }

    [Fact]
    public async Task TextContent_NamedMp4_Is415_AndLeavesNothing()
    {
        var (client, _) = await app.CallerAsync("user");
        var response = await client.PostAsync("/api/v1/imports/upload", Form(Encoding.UTF8.GetBytes(new string('x', 5000)), "fake.mp4"));
        var problem = await ProblemAssert.IsAsync(response, 415, "unsupported-media-type");
        Assert.Equal("The file is named .mp4 but its content is not an MP4/MOV file.", problem.GetProperty("detail").GetString());
        Assert.Empty(Directory.Exists(UploadsDir) ? Directory.GetFiles(UploadsDir) : []);
    }

    [Fact]
    public async Task OverTheLimit_Is413_AndThePartialFileIsRemoved()
    {
        var (client, _) = await app.CallerAsync("user");
        // A real mp4 head (so the type check passes) padded past the limit, sent without Content-Length.
        var head = File.ReadAllBytes(await TestMedia.VideoAsync());
        var big = new byte[PipelineAppFactory.UploadLimit + 256 * 1024];
        head.AsSpan(0, Math.Min(head.Length, big.Length)).CopyTo(big);
        var form = Form(big, "big.mp4");
        form.Headers.ContentLength = null;
        var chunked = new StreamContent(new NoLengthStream(await form.ReadAsByteArrayAsync()));
        chunked.Headers.ContentType = form.Headers.ContentType;

        var response = await client.PostAsync("/api/v1/imports/upload", chunked);

        await ProblemAssert.IsAsync(response, 413, "too-large");
        Assert.Empty(Directory.Exists(UploadsDir) ? Directory.GetFiles(UploadsDir) : []);
    }

    [Fact]
    public async Task DeclaredLengthOverTheLimit_Is413_BeforeReading()
    {
        var (client, _) = await app.CallerAsync("user");
        var response = await client.PostAsync("/api/v1/imports/upload", Form(new byte[PipelineAppFactory.UploadLimit + 128 * 1024], "big.mp4"));
        await ProblemAssert.IsAsync(response, 413, "too-large");
    }

    [Fact]
    public async Task NoFilePart_OrBadField_Is400NamingTheField_AndLeavesNothing()
    {
        var (client, _) = await app.CallerAsync("user");
        var noFile = new MultipartFormDataContent { { new StringContent("Videos"), "library" } };
        await ProblemAssert.IsAsync(await client.PostAsync("/api/v1/imports/upload", noFile), 400, "validation", "file");

        var badFormat = Form(File.ReadAllBytes(await TestMedia.VideoAsync()), "clip.mp4", ("format", "8k"));
        await ProblemAssert.IsAsync(await client.PostAsync("/api/v1/imports/upload", badFormat), 400, "validation", "format");
        Assert.Empty(Directory.Exists(UploadsDir) ? Directory.GetFiles(UploadsDir) : []);
    }

    [Fact]
    public async Task ModeReview_WaitsInTheInbox_ThenApproved_IsImported()
    {
        var (admin, _) = await app.CallerAsync("admin");
        var video = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "upload-review");

        var response = await admin.PostAsync("/api/v1/imports/upload", Form(File.ReadAllBytes(video), "for review.mp4", ("mode", "review"), ("format", "video_best")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("awaiting_review", job.GetProperty("state").GetString());
        Assert.Equal("for review", job.GetProperty("title").GetString());
        Assert.Equal("video_best", job.GetProperty("format").GetString());
        var id = job.GetProperty("id").GetGuid();
        await Task.Delay(1500); // a worker would have taken it by now if it were queued
        Assert.Equal("awaiting_review", (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{id}")).GetProperty("state").GetString());
        var inbox = await admin.GetFromJsonAsync<JsonElement>("/api/v1/inbox");
        Assert.Contains(inbox.EnumerateArray(), i => i.GetProperty("job").GetProperty("id").GetGuid() == id);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/v1/inbox/{id}/approve", new { library = "Videos" })).StatusCode);
        var done = await PipelineAppFactory.WaitAsync(admin, id);
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
    }

    [Fact]
    public async Task FileUnderAnotherFieldName_Is400NamingFile_AndLeavesNothing()
    {
        var (client, _) = await app.CallerAsync("user");
        var form = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(await TestMedia.VideoAsync())), "video", "clip.mp4" } };

        var problem = await ProblemAssert.IsAsync(await client.PostAsync("/api/v1/imports/upload", form), 400, "validation", "file");

        Assert.Contains("`video`", problem.GetProperty("detail").GetString());
        Assert.Empty(Directory.Exists(UploadsDir) ? Directory.GetFiles(UploadsDir) : []);
    }

    [Fact]
    public async Task FileNameWithNulAndControlCharacters_IsMadeHarmless()
    {
        var (client, _) = await app.CallerAsync("user");
        var video = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "upload-nul-name");
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(File.ReadAllBytes(video));
        // filename* carries the name percent-encoded (RFC 5987), so U+0000 and a tab arrive as they are.
        part.Headers.TryAddWithoutValidation("Content-Disposition", "form-data; name=\"file\"; filename*=UTF-8''bad%00name%09here.mp4");
        form.Add(part);

        var response = await client.PostAsync("/api/v1/imports/upload", form);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        var job = JsonDocument.Parse(body).RootElement;
        Assert.Equal("bad_name_here", job.GetProperty("title").GetString());
        var done = await PipelineAppFactory.WaitAsync(client, job.GetProperty("id").GetGuid());
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
    }

    [Fact]
    public async Task NotMultipart_Is415()
    {
        var (client, _) = await app.CallerAsync("user");
        var response = await client.PostAsync("/api/v1/imports/upload", new ByteArrayContent([1, 2, 3]) { Headers = { ContentType = new MediaTypeHeaderValue("video/mp4") } });
        await ProblemAssert.IsAsync(response, 415, "unsupported-media-type");
    }

    private static MultipartFormDataContent Form(byte[] file, string fileName, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "file", fileName);
        return form;
    }

    /// <summary>A stream that hides its length, so the request goes out without Content-Length.</summary>
    private sealed class NoLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;

namespace Hub.Web.Tests.Imports;

/// <summary>
/// The pipeline app with one more rule: loopback port 9 is denied (<c>Hub:Network:Deny</c>), so a thumbnail there is
/// refused by the network policy while the loopback site itself stays allowed. Nothing listens on port 9: a guard that
/// let it through would get "connection refused" (503), not the refusal (422) the tests expect.
/// </summary>
public sealed class DeniedPortAppFactory : PipelineAppFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Hub:Network:Deny:0"] = "127.0.0.0/8:9",
    };
}

/// <summary>
/// The import page's preview: "already in the library" from the pipeline's de-duplication, and the probe's thumbnail
/// served from Hub's origin through the network guard, with its refusals.
/// </summary>
public sealed class ProbePreviewApiTests(DeniedPortAppFactory app) : IClassFixture<DeniedPortAppFactory>
{
    [Fact]
    public async Task Probe_OfAnImportedUrl_SaysWhichEntryHasIt_AndOfANewUrlSaysNothing()
    {
        var (client, _) = await app.CallerAsync("user");
        var site = await app.SiteAsync();
        site.MapFile("preview-dup.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "preview-dup"), "video/mp4")
            .MapFile("preview-new.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "preview-new"), "video/mp4");
        var url = site.Url("preview-dup.mp4").AbsoluteUri;
        var job = await (await client.PostAsJsonAsync("/api/v1/imports", new { url })).Content.ReadFromJsonAsync<JsonElement>();
        var done = await PipelineAppFactory.WaitAsync(client, job.GetProperty("id").GetGuid());
        var entryId = done.GetProperty("entryId").GetGuid();

        var probe = await (await client.PostAsJsonAsync("/api/v1/imports/probe", new { url })).Content.ReadFromJsonAsync<JsonElement>();
        var existing = probe.GetProperty("alreadyInLibrary");
        Assert.Equal(entryId, existing.GetProperty("entryId").GetGuid());
        Assert.Equal("preview-dup", existing.GetProperty("title").GetString());

        var fresh = await (await client.PostAsJsonAsync("/api/v1/imports/probe", new { url = site.Url("preview-new.mp4").AbsoluteUri })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, fresh.GetProperty("alreadyInLibrary").ValueKind);
    }

    [Fact]
    public async Task Thumbnail_OfAProbedPage_IsServedFromHub_AsTheSameImage()
    {
        var (client, _) = await app.CallerAsync("user");
        var site = await app.SiteAsync();
        var jpeg = await TestMedia.JpegAsync();
        Page(site, "thumb-ok.html", "thumb-ok.jpg").MapFile("thumb-ok.jpg", jpeg, "image/jpeg");

        var response = await client.GetAsync(ThumbnailOf(site, "thumb-ok.html"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(jpeg), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("sandbox", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        // Kept for a while: asking again does not fetch it again.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ThumbnailOf(site, "thumb-ok.html"))).StatusCode);
        Assert.Equal(1, site.Count("thumb-ok.jpg"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync(ThumbnailOf(site, "thumb-ok.html"))).StatusCode);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/thumb.jpg", "blocked-address")] // cloud metadata: never, whatever the settings
    [InlineData("http://0x7f.1:9/thumb.jpg", "blocked-address")] // 127.0.0.1 spelt otherwise, on the denied port
    [InlineData("redirect-to-metadata.jpg", "blocked-address")] // a loopback picture that redirects there: each hop is checked
    [InlineData("page.svg", "not-an-image")] // SVG may carry script
    [InlineData("text.jpg", "not-an-image")]
    [InlineData("huge.png", "thumbnail-too-large")]
    public async Task Thumbnail_ThatIsRefused_Is422SayingWhy(string poster, string type)
    {
        var (client, _) = await app.CallerAsync("user");
        var site = await app.SiteAsync();
        site.MapRedirect("redirect-to-metadata.jpg", "http://169.254.169.254/latest/thumb.jpg")
            .MapText("page.svg", "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "image/svg+xml")
            .MapText("text.jpg", "not a picture", "text/plain")
            .Map("huge.png", async context =>
            {
                context.Response.ContentType = "image/png"; // no Content-Length: the cap must hold while reading
                var chunk = new byte[64 * 1024];
                for (var sent = 0; sent < 3 * 1024 * 1024 && !context.RequestAborted.IsCancellationRequested; sent += chunk.Length)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            });
        var page = "refused-" + Guid.NewGuid().ToString("N")[..8] + ".html";
        Page(site, page, poster);

        var problem = await ProblemAssert.IsAsync(await client.GetAsync(ThumbnailOf(site, page)), 422, type);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Thumbnail_WhenTheProbeHasNone_Is404_AndWithoutAUrl_Is400()
    {
        var (client, _) = await app.CallerAsync("user");
        var site = await app.SiteAsync();
        await ProblemAssert.IsAsync(await client.GetAsync(ThumbnailOf(site, "clip.mp4")), 404, "not-found");
        await ProblemAssert.IsAsync(await client.GetAsync("/api/v1/imports/probe/thumbnail"), 400, "validation", "url");
        await ProblemAssert.IsAsync(await client.GetAsync("/api/v1/imports/probe/thumbnail?url=http%3A%2F%2F169.254.169.254%2F"), 422, "blocked-address");
    }

    /// <summary>A page with a video whose poster is <paramref name="poster"/>: yt-dlp's probe gives that as the thumbnail.</summary>
    private static LoopbackServer Page(LoopbackServer site, string name, string poster) => site.MapText(name, $"""
        <!DOCTYPE html><html><head><title>{name}</title><meta property="og:title" content="Preview {name}"></head>
        <body><video src="clip.mp4" poster="{poster}"></video></body></html>
        """);

    private static string ThumbnailOf(LoopbackServer site, string path) =>
        "/api/v1/imports/probe/thumbnail?url=" + Uri.EscapeDataString(site.Url(path).AbsoluteUri);
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;
using Hub.Web.Tests.Entries;

namespace Hub.Web.Tests.Streaming;

public sealed class DownloadAndThumbnailTests(StreamFixture fx) : IClassFixture<StreamFixture>
{
    [Fact]
    public async Task Download_HasASafeFileNameWithUtf8AndAsciiForms()
    {
        var entry = new SeedEntry("Café / Straße: \"live\"\r\n?") { FilePath = fx.SmallPath, SizeBytes = 1000 };
        await EntrySeed.InsertAsync(fx.App.ConnectionString, fx.LibraryId, entry);

        var response = await fx.User.GetAsync($"/api/v1/entries/{entry.Id}/download");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cd = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", cd.DispositionType);
        Assert.Equal("Café _ Straße_ _live____.mp4", cd.FileNameStar);
        var raw = response.Content.Headers.GetValues("Content-Disposition").Single();
        Assert.True(raw.All(c => c < 128), raw); // the header itself is ASCII: filename= fallback plus filename*=UTF-8''…
        Assert.Contains("filename*=UTF-8''Caf%C3%A9", raw);
        Assert.Equal(1000, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task Thumbnail_IsJpegOr404Problem()
    {
        var jpeg = await TestMedia.JpegAsync();
        var with = new SeedEntry("With thumbnail") { FilePath = fx.SmallPath, ThumbnailPath = jpeg };
        var without = new SeedEntry("Without thumbnail") { FilePath = fx.SmallPath };
        await EntrySeed.InsertAsync(fx.App.ConnectionString, fx.LibraryId, with, without);

        var ok = await fx.User.GetAsync($"/api/v1/entries/{with.Id}/thumbnail");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("image/jpeg", ok.Content.Headers.ContentType!.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(jpeg), await ok.Content.ReadAsByteArrayAsync());

        var missing = await fx.User.GetAsync($"/api/v1/entries/{without.Id}/thumbnail");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("urn:hub:problem:no-thumbnail", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        var dto = await fx.User.GetFromJsonAsync<JsonElement>($"/api/v1/entries/{with.Id}");
        Assert.Equal($"/api/v1/entries/{with.Id}/thumbnail", dto.GetProperty("thumbnailUrl").GetString());
    }

    [Fact]
    public async Task Stream_MissingFileOrEntry_Is404()
    {
        var gone = new SeedEntry("Gone") { FilePath = Path.Combine(fx.Files, "gone.mp4") };
        await EntrySeed.InsertAsync(fx.App.ConnectionString, fx.LibraryId, gone);
        var response = await fx.User.GetAsync($"/api/v1/entries/{gone.Id}/stream");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("urn:hub:problem:file-missing", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await fx.User.GetAsync($"/api/v1/entries/{Guid.NewGuid()}/stream")).StatusCode);
    }

    [Theory]
    [InlineData("stream")]
    [InlineData("download")]
    [InlineData("thumbnail")]
    public async Task FileRoutes_WithoutToken_Are401(string route)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await fx.App.CreateClient().GetAsync($"/api/v1/entries/{fx.Small}/{route}")).StatusCode);
    }
}

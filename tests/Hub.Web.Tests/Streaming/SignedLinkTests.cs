using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Web.Tests.Entries;

namespace Hub.Web.Tests.Streaming;

public sealed class SignedLinkTests(StreamFixture fx) : IClassFixture<StreamFixture>
{
    private async Task<JsonElement> CreateLinkAsync(Guid entry, object? body = null)
    {
        var response = await fx.User.PostAsJsonAsync($"/api/v1/entries/{entry}/links", body ?? new { });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task SignedLink_StreamsWithRangeAndNoToken()
    {
        var link = await CreateLinkAsync(fx.Small);
        var url = new Uri(link.GetProperty("url").GetString()!);
        Assert.StartsWith("/s/", url.AbsolutePath);
        var expires = link.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromHours(5.9), TimeSpan.FromHours(6.1));

        var anonymous = fx.App.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, url.PathAndQuery);
        request.Headers.TryAddWithoutValidation("Range", "bytes=10-29");
        var response = await anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("bytes 10-29/1000", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(Enumerable.Range(10, 20).Select(i => EntrySeed.ByteAt(i)).ToArray(), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("video/mp4", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, url.PathAndQuery))).StatusCode);
    }

    [Fact]
    public async Task SignedLink_EndsWhenTheTokenThatMadeItIsRevoked_OthersGoOn()
    {
        var name = "friend-" + Guid.NewGuid().ToString("N")[..6];
        var friend = fx.App.CreateClient();
        friend.DefaultRequestHeaders.Authorization = new("Bearer", await fx.App.CreateTokenAsync("user", name));
        var made = await (await friend.PostAsJsonAsync($"/api/v1/entries/{fx.Small}/links", new { ttlSeconds = 604800 })).Content.ReadFromJsonAsync<JsonElement>();
        var theirs = new Uri(made.GetProperty("url").GetString()!).PathAndQuery;
        var mine = new Uri((await CreateLinkAsync(fx.Small)).GetProperty("url").GetString()!).PathAndQuery;
        var anonymous = fx.App.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(theirs)).StatusCode);

        await fx.App.Get<Hub.Domain.Access.TokenService>().RevokeAsync(name, CancellationToken.None);

        var refused = await anonymous.GetAsync(theirs);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("revoked", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(mine)).StatusCode); // another token's link is not touched
    }

    [Fact]
    public async Task SignedLink_Expired_Is403()
    {
        var link = await CreateLinkAsync(fx.Small, new { ttlSeconds = 1 });
        await Task.Delay(TimeSpan.FromSeconds(2.1));
        var response = await fx.App.CreateClient().GetAsync(new Uri(link.GetProperty("url").GetString()!).PathAndQuery);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:hub:problem:invalid-link", problem.GetProperty("type").GetString());
        Assert.Contains("expired", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task SignedLink_TamperedOrForAnotherEntry_Is403()
    {
        var path = new Uri((await CreateLinkAsync(fx.Small)).GetProperty("url").GetString()!).AbsolutePath;
        var token = path["/s/".Length..];
        var bytes = Base64Url.DecodeFromChars(token);

        var otherEntry = (byte[])bytes.Clone();
        fx.One.TryWriteBytes(otherEntry.AsSpan(0, 16)); // same signature, another entry
        var longer = (byte[])bytes.Clone();
        longer[20] ^= 0x01; // a later expiry
        var badSig = (byte[])bytes.Clone();
        badSig[^1] ^= 0x80;
        var download = (byte[])bytes.Clone();
        download[16] = 1; // stream → download

        var anonymous = fx.App.CreateClient();
        foreach (var forged in new[] { otherEntry, longer, badSig, download })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync("/s/" + Base64Url.EncodeToString(forged))).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync("/s/not-a-token")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync("/s/" + token[..^2])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task SignedLink_Download_IsAnAttachment()
    {
        var link = await CreateLinkAsync(fx.One, new { kind = "download", ttlSeconds = 60 });
        Assert.Equal("download", link.GetProperty("kind").GetString());
        var response = await fx.App.CreateClient().GetAsync(new Uri(link.GetProperty("url").GetString()!).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("One byte.flac", response.Content.Headers.ContentDisposition.FileNameStar);
    }

    [Theory]
    [InlineData("{\"ttlSeconds\":0}", "ttlSeconds")]
    [InlineData("{\"ttlSeconds\":604801}", "ttlSeconds")]
    [InlineData("{\"kind\":\"torrent\"}", "kind")]
    public async Task CreateLink_InvalidBody_Is400NamingTheField(string json, string field)
    {
        var response = await fx.User.PostAsync($"/api/v1/entries/{fx.Small}/links", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task CreateLink_UnknownEntry_Is404_AndNeedsAToken()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await fx.User.PostAsJsonAsync($"/api/v1/entries/{Guid.NewGuid()}/links", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fx.App.CreateClient().PostAsJsonAsync($"/api/v1/entries/{fx.Small}/links", new { })).StatusCode);
    }
}

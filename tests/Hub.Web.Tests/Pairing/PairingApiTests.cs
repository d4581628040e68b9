using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;
using Npgsql;

namespace Hub.Web.Tests.Pairing;

public sealed class PairingAppFactory : HubAppFactory
{
    public const int ClaimsPerMinute = 8;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Hub:RateLimits:TokenlessPerMinute"] = ClaimsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

public sealed class PairingApiTests(PairingAppFactory app) : IClassFixture<PairingAppFactory>
{
    [Fact]
    public async Task Code_ClaimedOnce_GivesAUserTokenNamedAfterTheBrowser_ListedAndRevocable()
    {
        var owner = await app.CreateClientAsync("admin");
        var ownerId = (await owner.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("tokenId").GetString();
        var code = await CreateCodeAsync(owner);
        Assert.Matches("^[A-Z2-9]{5}-[A-Z2-9]{5}$", code.GetProperty("code").GetString());
        var expires = code.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10.5));

        // Lower case and without the dash, as someone might type it.
        var typed = code.GetProperty("code").GetString()!.Replace("-", "").ToLowerInvariant();
        var claim = await app.CreateClient().PostAsJsonAsync("/api/v1/pairing/claim", new { code = typed, deviceName = "Chromium on test box" });
        Assert.Equal(HttpStatusCode.Created, claim.StatusCode);
        var claimed = await claim.Content.ReadFromJsonAsync<JsonElement>();
        var secret = claimed.GetProperty("secret").GetString()!;

        var browser = Client(secret);
        var me = await browser.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal("Chromium on test box", me.GetProperty("name").GetString());
        Assert.Equal("user", me.GetProperty("role").GetString());

        var again = await app.CreateClient().PostAsJsonAsync("/api/v1/pairing/claim", new { code = typed, deviceName = "second" });
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        var listed = (await owner.GetFromJsonAsync<JsonElement>("/api/v1/tokens")).EnumerateArray()
            .Single(t => t.GetProperty("id").GetString() == me.GetProperty("tokenId").GetString());
        Assert.Equal("token:" + ownerId, listed.GetProperty("ownerKey").GetString());
        Assert.Equal(HttpStatusCode.OK, (await owner.DeleteAsync($"/api/v1/tokens/{listed.GetProperty("id").GetString()}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task PairedBrowser_IsTheSamePersonAsItsOwner_AndNobodyElse()
    {
        var owner = await app.CreateClientAsync("user");
        var stranger = await app.CreateClientAsync("user");
        var browser = Client(await ClaimAsync(owner, "owner's browser"));

        var made = await browser.PostAsJsonAsync("/api/v1/playlists", new { name = "from the browser " + Guid.NewGuid().ToString("N")[..6], @private = true });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var id = (await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var seen = await owner.GetFromJsonAsync<JsonElement>($"/api/v1/playlists/{id}");
        Assert.True(seen.GetProperty("canChange").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/playlists/{id}")).StatusCode);
    }

    [Fact]
    public async Task ForAnotherToken_OnlyAnAdmin_AndTheCodeLeadsToThatOwner()
    {
        var admin = await app.CreateClientAsync("admin");
        var alice = await app.CreateClientAsync("user");
        var bob = await app.CreateClientAsync("user");
        var aliceId = (await alice.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("tokenId").GetString();

        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsJsonAsync("/api/v1/pairing", new { forTokenId = aliceId })).StatusCode);

        var code = await admin.PostAsJsonAsync("/api/v1/pairing", new { forTokenId = aliceId });
        Assert.Equal(HttpStatusCode.Created, code.StatusCode);
        var body = await code.Content.ReadFromJsonAsync<JsonElement>();
        var claim = await app.CreateClient().PostAsJsonAsync("/api/v1/pairing/claim", new { code = body.GetProperty("code").GetString(), deviceName = "alice's chrome" });
        var tokenId = (await claim.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetProperty("id").GetString();
        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/tokens")).EnumerateArray().Single(t => t.GetProperty("id").GetString() == tokenId);
        Assert.Equal("token:" + aliceId, listed.GetProperty("ownerKey").GetString());
        Assert.Equal("user", listed.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Claim_ExpiredOrMalformed_IsRefused_AndASecondSameNameGetsANumber()
    {
        var owner = await app.CreateClientAsync("user");
        var code = (await CreateCodeAsync(owner)).GetProperty("code").GetString()!;
        await using (var db = NpgsqlDataSource.Create(app.ConnectionString))
        {
            await db.CreateCommand("UPDATE pairing_codes SET expires_at = now() - interval '1 second' WHERE used_at IS NULL").ExecuteNonQueryAsync();
        }
        var expired = await app.CreateClient().PostAsJsonAsync("/api/v1/pairing/claim", new { code, deviceName = "late" });
        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        Assert.Contains("expired", await expired.Content.ReadAsStringAsync());

        var malformed = await app.CreateClient().PostAsJsonAsync("/api/v1/pairing/claim", new { code = "nope", deviceName = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        var name = "Same name " + Guid.NewGuid().ToString("N")[..6];
        var first = Client(await ClaimAsync(owner, name));
        var second = Client(await ClaimAsync(owner, name));
        Assert.Equal(name, (await first.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("name").GetString());
        Assert.Equal(name + " (2)", (await second.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task TelegramCode_SaysWhatToSendTheBot()
    {
        var owner = await app.CreateClientAsync("user");
        var response = await owner.PostAsync("/api/v1/pairing/telegram", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("/link " + body.GetProperty("code").GetString(), body.GetProperty("command").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsync("/api/v1/pairing/telegram", null)).StatusCode);
    }

    private async Task<string> ClaimAsync(HttpClient owner, string deviceName)
    {
        var code = (await CreateCodeAsync(owner)).GetProperty("code").GetString();
        var claim = await app.CreateClient().PostAsJsonAsync("/api/v1/pairing/claim", new { code, deviceName });
        Assert.Equal(HttpStatusCode.Created, claim.StatusCode);
        return (await claim.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
    }

    private static async Task<JsonElement> CreateCodeAsync(HttpClient owner)
    {
        var response = await owner.PostAsJsonAsync("/api/v1/pairing", new { });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private HttpClient Client(string secret)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }
}

/// <summary>Guessing codes costs a request each, and the tokenless limit caps requests per address.</summary>
public sealed class PairingRateLimitTests(PairingAppFactory app) : IClassFixture<PairingAppFactory>
{
    [Fact]
    public async Task Claims_BeyondTheTokenlessLimit_Are429()
    {
        var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= PairingAppFactory.ClaimsPerMinute; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/v1/pairing/claim", new { code = "AAAAA-BBBBB", deviceName = "guess" })).StatusCode);
        }
        Assert.All(statuses.Take(PairingAppFactory.ClaimsPerMinute), s => Assert.Equal(HttpStatusCode.NotFound, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }
}

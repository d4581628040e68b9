using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;

namespace Hub.Web.Tests.Tokens;

public sealed class TokensApiTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    [Fact]
    public async Task UserToken_OnAdminRoute_Is403ProblemDetails()
    {
        var user = await app.CreateClientAsync("user");
        var response = await user.GetAsync("/api/v1/tokens");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:hub:problem:forbidden", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Admin_CreatesListsAndRevokes_SecretShownOnce()
    {
        var admin = await app.CreateClientAsync("admin");

        var response = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "extension", role = "user" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var secret = created.GetProperty("secret").GetString()!;
        var id = created.GetProperty("token").GetProperty("id").GetString()!;

        var list = await admin.GetStringAsync("/api/v1/tokens");
        Assert.Contains(id, list);
        Assert.DoesNotContain(secret, list);

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/tokens/{id}")).StatusCode);
        Assert.DoesNotContain(id, await admin.GetStringAsync("/api/v1/tokens"));
        Assert.Contains(id, await admin.GetStringAsync("/api/v1/tokens?includeRevoked=true"));
    }

    [Fact]
    public async Task Create_WithBadRole_Is400NamingTheField()
    {
        var admin = await app.CreateClientAsync("admin");
        var response = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "x", role = "superuser" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:hub:problem:validation", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("role", out _));
    }

    [Fact]
    public async Task Revoke_Unknown_Is404()
    {
        var admin = await app.CreateClientAsync("admin");
        var response = await admin.DeleteAsync($"/api/v1/tokens/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Revoke_TheLastLiveAdminToken_Is409NamingTheWayOut()
    {
        var admin = await app.CreateClientAsync("admin");
        var tokens = app.Get<Hub.Domain.Access.TokenService>();
        var me = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("tokenId").GetString();
        foreach (var other in (await tokens.ListAsync(false, CancellationToken.None)).Where(t => t.Role == "admin" && t.Id.ToString() != me))
        {
            await tokens.RevokeAsync(other.Id.ToString(), CancellationToken.None);
        }

        var response = await admin.DeleteAsync($"/api/v1/tokens/{me}");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("hub token create --name NAME --role admin", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Create_WithTheNameOfALiveToken_Is409()
    {
        var admin = await app.CreateClientAsync("admin");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "twin", role = "user" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "twin", role = "user" })).StatusCode);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Tests.OpenApi;

/// <summary>Checks over every mapped /api/v1 route, read from the app's own endpoint table (nothing listed by hand).</summary>
public sealed partial class ApiRoutesTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    private List<(string Method, string Pattern, RouteEndpoint Endpoint)> ApiRoutes()
    {
        _ = app.Server;
        return app.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m, Normalize(e.RoutePattern.RawText!), e)))
            .ToList();
    }

    /// <summary>"/api/v1/jobs/{id:guid}/" → "/api/v1/jobs/{id}", as OpenAPI writes paths.</summary>
    private static string Normalize(string pattern) =>
        "/" + Constraint().Replace(pattern, "{$1}").Trim('/');

    [GeneratedRegex(@"\{([^}:?=]+)[^}]*\}")]
    private static partial Regex Constraint();

    [Fact]
    public async Task EveryApiRoute_IsInTheOpenApiDocument_WithAnOperationId()
    {
        var routes = ApiRoutes();
        Assert.True(routes.Count >= 20, $"only {routes.Count} routes found");
        var doc = await app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = doc.GetProperty("paths");

        var missing = routes.Where(r => !paths.TryGetProperty(r.Pattern, out var item) || !item.TryGetProperty(r.Method.ToLowerInvariant(), out _))
            .Select(r => $"{r.Method} {r.Pattern}").ToList();
        Assert.True(missing.Count == 0, "not in /openapi/v1.json: " + string.Join(", ", missing));
        var unnamed = routes.Where(r => !paths.GetProperty(r.Pattern).GetProperty(r.Method.ToLowerInvariant()).TryGetProperty("operationId", out _))
            .Select(r => $"{r.Method} {r.Pattern}").ToList();
        Assert.True(unnamed.Count == 0, "no operationId (WithName): " + string.Join(", ", unnamed));
    }

    /// <summary>The only routes that answer without a token: the extension's handshake and the pairing claim.</summary>
    private static readonly string[] Tokenless = ["GET /api/v1/info", "POST /api/v1/pairing/claim"];

    [Fact]
    public async Task EveryApiRoute_Is401WithoutAToken()
    {
        var client = app.CreateClient();
        var anonymous = ApiRoutes().Where(r => r.Endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null)
            .Select(r => $"{r.Method} {r.Pattern}").Order().ToList();
        Assert.Equal(Tokenless.Order(), anonymous);
        foreach (var (method, pattern, endpoint) in ApiRoutes().Where(r => !Tokenless.Contains($"{r.Method} {r.Pattern}")))
        {
            var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), Fill(pattern)) { Content = Body(method, endpoint) });
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {pattern}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task EveryAdminRoute_Is403ForAUser()
    {
        var user = await app.CreateClientAsync("user");
        var adminRoutes = ApiRoutes().Where(r => r.Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == "admin")).ToList();
        Assert.Contains(adminRoutes, r => r.Pattern == "/api/v1/inbox");
        Assert.Contains(adminRoutes, r => r.Pattern == "/api/v1/libraries/{id}" && r.Method == "DELETE");
        Assert.DoesNotContain(adminRoutes, r => r.Pattern == "/api/v1/libraries" && r.Method == "GET");
        foreach (var (method, pattern, endpoint) in adminRoutes)
        {
            var response = await user.SendAsync(new HttpRequestMessage(new HttpMethod(method), Fill(pattern)) { Content = Body(method, endpoint) });
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {pattern}: {(int)response.StatusCode}");
        }
    }

    private static string Fill(string pattern) => Regex.Replace(pattern, @"\{[^}]+\}", Guid.NewGuid().ToString());

    /// <summary>A body of a type the route accepts (routing answers 415 to others before authentication runs).</summary>
    private static HttpContent? Body(string method, RouteEndpoint endpoint)
    {
        if (method is not ("POST" or "PATCH" or "PUT"))
        {
            return null;
        }
        var type = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.FirstOrDefault() ?? "application/json";
        return type == "multipart/form-data"
            ? new MultipartFormDataContent { { new StringContent("x"), "library" } }
            : new StringContent(type == "application/json" ? "{}" : "", Encoding.UTF8, type);
    }
}

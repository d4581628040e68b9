using System.Text;
using Hub.Testing;

namespace Hub.Web.Tests.Problems;

/// <summary>A body the API cannot read is a 400 that says what is wrong with it, not which C# parameter failed to bind.</summary>
public sealed class MalformedBodyTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    [Theory]
    [InlineData("{\"url\": ", "The request body is not the JSON this endpoint takes")]
    [InlineData("not json", "The request body is not the JSON this endpoint takes")]
    [InlineData("{\"url\": 5}", "'url' holds a value of the wrong type for this field.")]
    [InlineData("", "The request needs a JSON body")]
    public async Task ImportsPost_WithABodyItCannotRead_Is400SayingWhy(string body, string expected)
    {
        var admin = await app.CreateClientAsync("admin");
        var response = await admin.PostAsync("/api/v1/imports", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await ProblemAssert.IsAsync(response, 400, "bad-request");
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(expected, detail);
        Assert.DoesNotContain("parameter", detail, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("{\"name\": \"x\", \"query\": {\"libraryId\": \"videos\"}}", "bad-request", "'query.libraryId' must be an id (a UUID")]
    [InlineData("{\"name\": \"x\", \"query\": {\"library\": \"videos\"}}", "validation", "'library' is not a filter a playlist's query takes")]
    [InlineData("{\"name\": \"x\", \"query\": {\"minDuration\": \"long\"}}", "bad-request", "'query.minDuration' must be a number.")]
    public async Task PlaylistQuery_OfTheWrongShape_Is400NamingTheField_NotADotNetType(string body, string type, string expected)
    {
        var user = await app.CreateClientAsync("user");
        var response = await user.PostAsync("/api/v1/playlists", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await ProblemAssert.IsAsync(response, 400, type);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(expected, detail);
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);
    }
}

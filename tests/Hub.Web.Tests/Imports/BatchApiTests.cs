using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Testing;

namespace Hub.Web.Tests.Imports;

public sealed class BatchApiTests(PipelineAppFactory app) : IClassFixture<PipelineAppFactory>
{
    [Fact]
    public async Task DryRun_ChecksEveryLine_AndCreatesNoJob()
    {
        var (client, _) = await app.CallerAsync("user");
        var site = await app.SiteAsync();
        var text = $"# list\n{site.Url("clip.mp4")}\nftp://example.invalid/x.mp4\n";

        var response = await client.PostAsync("/api/v1/imports/batch?dry_run=true", new StringContent(text, Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(result.GetProperty("dryRun").GetBoolean());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("parentJobId").ValueKind);
        Assert.Equal((1, 1), (result.GetProperty("accepted").GetInt32(), result.GetProperty("rejected").GetInt32()));
        Assert.Equal(3, result.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("error").ValueKind != JsonValueKind.Null).GetProperty("line").GetInt32());
        Assert.All(result.GetProperty("lines").EnumerateArray(), l => Assert.Equal(JsonValueKind.Null, l.GetProperty("jobId").ValueKind));
        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/jobs");
        Assert.Empty(page.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task BadLine_WithoutContinueOnError_Is400_AndNothingIsCreated()
    {
        var (client, _) = await app.CallerAsync("user");
        var response = await client.PostAsJsonAsync("/api/v1/imports/batch", new { urls = new[] { "https://example.invalid/a.mp4", "not a url" } });
        await ProblemAssert.IsAsync(response, 400, "validation", "urls");
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/v1/jobs")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Json_WithContinueOnError_Is202_UnderAParentThatCompletes()
    {
        var (client, key) = await app.CallerAsync("user");
        var site = await app.SiteAsync();
        site.MapFile("b1.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "batch-1"), "video/mp4")
            .MapFile("b2.m4a", await TestMedia.VariantAsync(await TestMedia.AudioAsync(), "batch-2"), "audio/mp4");

        var response = await client.PostAsJsonAsync("/api/v1/imports/batch", new
        {
            urls = new[] { site.Url("b1.mp4").AbsoluteUri, "javascript:alert(1)", site.Url("b2.m4a").AbsoluteUri },
            continueOnError = true,
        });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        var parent = result.GetProperty("parentJobId").GetGuid();
        Assert.Equal($"/api/v1/jobs/{parent}", response.Headers.Location?.OriginalString);
        Assert.Equal((2, 1), (result.GetProperty("accepted").GetInt32(), result.GetProperty("rejected").GetInt32()));
        var done = await PipelineAppFactory.WaitAsync(client, parent);
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        Assert.Equal(key, done.GetProperty("requestedBy").GetString());
        var children = await client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs?parent={parent}");
        Assert.Equal(2, children.GetProperty("items").GetArrayLength());
        Assert.All(children.GetProperty("items").EnumerateArray(), c => Assert.Equal("completed", c.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task OtherBodies_Are415_AndBadFlagsNameTheField()
    {
        var (client, _) = await app.CallerAsync("user");
        var xml = await client.PostAsync("/api/v1/imports/batch", new StringContent("<urls/>", Encoding.UTF8, "application/xml"));
        await ProblemAssert.IsAsync(xml, 415, "unsupported-media-type");
        var flag = await client.PostAsync("/api/v1/imports/batch?dry_run=maybe", new StringContent("https://example.invalid/a.mp4", Encoding.UTF8, "text/plain"));
        await ProblemAssert.IsAsync(flag, 400, "validation", "dry_run");
        var empty = await client.PostAsJsonAsync("/api/v1/imports/batch", new { text = "# nothing\n\n" });
        await ProblemAssert.IsAsync(empty, 400, "validation", "urls");
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;

namespace Hub.Web.Tests.Inbox;

public sealed class InboxApiTests(PipelineAppFactory app) : IClassFixture<PipelineAppFactory>
{
    private async Task<Guid> ReviewImportAsync(HttpClient client, string name)
    {
        var site = await app.SiteAsync();
        site.MapFile(name, await TestMedia.VariantAsync(await TestMedia.VideoAsync(), name), "video/mp4");
        var created = await (await client.PostAsJsonAsync("/api/v1/imports", new { url = site.Url(name).AbsoluteUri, mode = "review" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();
        await PipelineAppFactory.WaitAsync(client, id, "awaiting_review");
        return id;
    }

    [Fact]
    public async Task Inbox_ShowsTheProbeAndSuggestion_ThenApproveIntoMusic_Completes()
    {
        var (admin, _) = await app.CallerAsync("admin");
        var id = await ReviewImportAsync(admin, "inbox-approve.mp4");

        var inbox = await admin.GetFromJsonAsync<JsonElement>("/api/v1/inbox");
        var item = inbox.EnumerateArray().Single(i => i.GetProperty("job").GetProperty("id").GetGuid() == id);
        Assert.Equal("inbox-approve", item.GetProperty("probe").GetProperty("title").GetString());
        Assert.Equal("Videos", item.GetProperty("suggested").GetProperty("name").GetString());

        var approve = await admin.PostAsJsonAsync($"/api/v1/inbox/{id}/approve", new { library = "music" });
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        var done = await PipelineAppFactory.WaitAsync(admin, id);
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        var music = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/libraries/music")).GetProperty("id").GetGuid();
        Assert.Equal(music, done.GetProperty("libraryId").GetGuid());
        await ProblemAssert.IsAsync(await admin.PostAsync($"/api/v1/inbox/{id}/approve", null), 409, "not-in-inbox");
    }

    [Fact]
    public async Task Reject_CancelsIt_AndItLeavesTheInbox()
    {
        var (admin, _) = await app.CallerAsync("admin");
        var id = await ReviewImportAsync(admin, "inbox-reject.mp4");

        var reject = await admin.PostAsync($"/api/v1/inbox/{id}/reject", null);

        Assert.Equal(HttpStatusCode.OK, reject.StatusCode);
        Assert.Equal("cancelled", (await reject.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>("/api/v1/inbox")).EnumerateArray(),
            i => i.GetProperty("job").GetProperty("id").GetGuid() == id);
        await ProblemAssert.IsAsync(await admin.PostAsync($"/api/v1/inbox/{id}/reject", null), 409, "not-in-inbox");
    }

    [Fact]
    public async Task Approve_IntoAnUnknownLibrary_Is400_AndUnknownJobIs404()
    {
        var (admin, _) = await app.CallerAsync("admin");
        await ProblemAssert.IsAsync(await admin.PostAsJsonAsync($"/api/v1/inbox/{Guid.NewGuid()}/approve", new { library = "nope" }), 400, "validation", "library");
        await ProblemAssert.IsAsync(await admin.PostAsync($"/api/v1/inbox/{Guid.NewGuid()}/reject", null), 404, "not-found");
    }

    [Fact]
    public async Task User_CannotUseTheInbox()
    {
        var (user, _) = await app.CallerAsync("user");
        await ProblemAssert.IsAsync(await user.GetAsync("/api/v1/inbox"), 403, "forbidden");
        await ProblemAssert.IsAsync(await user.PostAsync($"/api/v1/inbox/{Guid.NewGuid()}/approve", null), 403, "forbidden");
    }
}

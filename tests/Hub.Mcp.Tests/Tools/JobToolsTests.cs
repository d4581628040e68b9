using System.Text.Json;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using ModelContextProtocol.Protocol;

namespace Hub.Mcp.Tests.Tools;

public sealed class JobToolsTests(McpFixture hub) : IClassFixture<McpFixture>
{
    [Fact]
    public async Task GetJob_ShowsOwnJobs_AndOthersJobsAreNotFound()
    {
        var mine = await hub.ImportAsync((await hub.ServeVideoAsync("own.mp4")).AbsoluteUri, "token:alice", ImportModes.Review);
        var theirs = await hub.ImportAsync((await hub.ServeVideoAsync("theirs.mp4")).AbsoluteUri, "token:bob", ImportModes.Review);
        await using var alice = await hub.ConnectAsync(McpFixture.User("alice"));

        var job = await alice.Client.OkAsync("get_job", new { job_id = mine.Id });
        Assert.Equal(mine.Id, job.GetProperty("id").GetGuid());
        Assert.Contains("Not found", await alice.Client.ErrorAsync("get_job", new { job_id = theirs.Id }));
        Assert.Contains("Not found", await alice.Client.ErrorAsync("get_job", new { job_id = Guid.NewGuid() }));

        await using var admin = await hub.ConnectAsync(McpFixture.Admin);
        Assert.Equal(theirs.Id, (await admin.Client.OkAsync("get_job", new { job_id = theirs.Id })).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task GetJob_ShowsATorrentsSwarm()
    {
        var job = await hub.Get<JobQueue>().EnqueueAsync(new NewJob("import", "nobody-claims-this", "api") { RequestedBy = "token:leech", Title = "swarm" },
            CancellationToken.None);
        await using (var cmd = hub.Get<Hub.Domain.Storage.HubDatabase>().DataSource.CreateCommand(
            "UPDATE jobs SET state = 'downloading', peers = 5, seeders = 2, upload_bps = 40960, seeding = false, updated_at = now() WHERE id = $1"))
        {
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = job.Id });
            await cmd.ExecuteNonQueryAsync();
        }
        await using var c = await hub.ConnectAsync(McpFixture.User("leech"));

        var swarm = (await c.Client.OkAsync("get_job", new { job_id = job.Id })).GetProperty("swarm");

        Assert.Equal((5, 2, 40960d, false), (swarm.GetProperty("peers").GetInt32(), swarm.GetProperty("seeders").GetInt32(),
            swarm.GetProperty("upload_bps").GetDouble(), swarm.GetProperty("seeding").GetBoolean()));
    }

    [Fact]
    public async Task ListJobs_PagesWithACursor_AndFiltersByState_OnlyTheCallersJobs()
    {
        for (var i = 0; i < 3; i++)
        {
            await hub.ImportAsync((await hub.ServeVideoAsync($"page{i}.mp4")).AbsoluteUri, "token:pager", ImportModes.Review);
        }
        await hub.ImportAsync((await hub.ServeVideoAsync("other-page.mp4")).AbsoluteUri, "token:someone", ImportModes.Review);
        await using var c = await hub.ConnectAsync(McpFixture.User("pager"));
        foreach (var id in (await hub.Get<JobQueue>().ListAsync(new JobFilter { RequestedBy = "token:pager" }, default)).Select(j => j.Id))
        {
            await hub.WaitAsync(id, JobStates.AwaitingReview);
        }

        var first = await c.Client.OkAsync("list_jobs", new { limit = 2 });
        var cursor = first.GetProperty("next_cursor").GetString();
        var second = await c.Client.OkAsync("list_jobs", new { limit = 2, cursor });

        var ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(j => j.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_cursor").ValueKind); // written as null: the output schema requires it
        Assert.Equal(3, (await c.Client.OkAsync("list_jobs", new { state = "awaiting_review" })).GetProperty("items").GetArrayLength());
        Assert.Equal(0, (await c.Client.OkAsync("list_jobs", new { state = "failed" })).GetProperty("items").GetArrayLength());
        Assert.Contains("Invalid 'state'", await c.Client.ErrorAsync("list_jobs", new { state = "sleeping" }));
        Assert.Contains("Invalid 'cursor'", await c.Client.ErrorAsync("list_jobs", new { cursor = "%%%" }));
        Assert.Contains("Invalid 'limit'", await c.Client.ErrorAsync("list_jobs", new { limit = 0 }));
    }

    [Fact]
    public async Task CancelJob_CancelsAWaitingJob_ThenReportsItAlreadyEnded()
    {
        var job = await hub.ImportAsync((await hub.ServeVideoAsync("cancel.mp4")).AbsoluteUri, "token:canceller", ImportModes.Review);
        await hub.WaitAsync(job.Id, JobStates.AwaitingReview);
        await using var c = await hub.ConnectAsync(McpFixture.User("canceller"));

        var answer = await c.Client.OkAsync("cancel_job", new { job_id = job.Id });
        Assert.Equal("cancelled", answer.GetProperty("job").GetProperty("state").GetString());
        Assert.Contains("job-finished", await c.Client.ErrorAsync("cancel_job", new { job_id = job.Id }));

        await using var other = await hub.ConnectAsync(McpFixture.User("stranger"));
        Assert.Contains("Not found", await other.Client.ErrorAsync("cancel_job", new { job_id = job.Id }));
    }

    [Fact]
    public async Task Inbox_AdminApprovesOneAndRejectsAnother()
    {
        var approve = await hub.ImportAsync((await hub.ServeVideoAsync("approve.mp4")).AbsoluteUri, "token:x", ImportModes.Review);
        var reject = await hub.ImportAsync((await hub.ServeVideoAsync("reject.mp4")).AbsoluteUri, "token:x", ImportModes.Review);
        await hub.WaitAsync(approve.Id, JobStates.AwaitingReview);
        await hub.WaitAsync(reject.Id, JobStates.AwaitingReview);
        await using var c = await hub.ConnectAsync(McpFixture.Admin);

        var inbox = await c.Client.OkAsync("list_inbox");
        var ids = inbox.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("job").GetProperty("id").GetGuid()).ToList();
        Assert.Contains(approve.Id, ids);
        Assert.Contains(reject.Id, ids);

        var approved = await c.Client.OkAsync("approve_inbox_item", new { job_id = approve.Id, library = "Videos" });
        Assert.Equal("queued", approved.GetProperty("job").GetProperty("state").GetString());
        Assert.Equal("cancelled", (await c.Client.OkAsync("reject_inbox_item", new { job_id = reject.Id })).GetProperty("job").GetProperty("state").GetString());
        Assert.Contains("not-in-inbox", await c.Client.ErrorAsync("reject_inbox_item", new { job_id = reject.Id }));
        Assert.Contains("Invalid 'library'", await c.Client.ErrorAsync("approve_inbox_item", new { job_id = Guid.NewGuid(), library = "nope" }));
        Assert.Equal(JobStates.Completed, (await hub.WaitAsync(approve.Id)).State);
    }

    [Fact]
    public async Task ListLibraries_ShowsTheDefaults()
    {
        await using var c = await hub.ConnectAsync(McpFixture.User("reader"));
        var libraries = await c.Client.OkAsync("list_libraries");
        Assert.Equal(["Music", "Videos"], libraries.GetProperty("items").EnumerateArray().Select(l => l.GetProperty("name").GetString()).Order());
    }

    [Fact]
    public async Task JobResource_ReadsTheJob_ForItsOwnerOnly()
    {
        var job = await hub.ImportAsync((await hub.ServeVideoAsync("resource.mp4")).AbsoluteUri, "token:owner", ImportModes.Review);
        await using var c = await hub.ConnectAsync(McpFixture.User("owner"));

        var templates = await c.Client.ListResourceTemplatesAsync();
        Assert.Contains(templates, t => t.UriTemplate == "hub://jobs/{id}");
        var read = await c.Client.ReadResourceAsync($"hub://jobs/{job.Id}");
        var json = JsonDocument.Parse(((TextResourceContents)read.Contents[0]).Text).RootElement;
        Assert.Equal(job.Id, json.GetProperty("job").GetProperty("id").GetGuid());

        await using var other = await hub.ConnectAsync(McpFixture.User("nosy"));
        await Assert.ThrowsAnyAsync<Exception>(() => other.Client.ReadResourceAsync($"hub://jobs/{job.Id}").AsTask());
    }
}

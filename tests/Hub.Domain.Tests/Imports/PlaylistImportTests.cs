using Hub.Domain.Jobs;
using Hub.Testing;

namespace Hub.Domain.Tests.Imports;

public sealed class PlaylistImportTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task PlaylistPage_ExpandsIntoChildJobs_UnderAParentThatCompletesWithThem()
    {
        fx.Site.MapFile("pl-a.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "pl-a"), "video/mp4")
            .MapFile("pl-b.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "pl-b"), "video/mp4")
            .MapText("playlist.html", """
                <html><head><meta property="og:title" content="Two Clips"></head>
                <body><video src="pl-a.mp4"></video><video src="pl-b.mp4"></video></body></html>
                """);
        var job = await fx.ImportAsync(fx.Site.Url("playlist.html").AbsoluteUri);
        var parent = await fx.WaitAsync(job.Id);

        Assert.True(parent.State == JobStates.Completed, parent.Error);
        Assert.Equal("Two Clips", parent.Title);
        Assert.Equal(100, parent.Progress);
        var children = await fx.Get<JobQueue>().ListAsync(new JobFilter { ParentId = parent.Id }, CancellationToken.None);
        Assert.Equal(2, children.Count);
        Assert.All(children, c => Assert.True(c.State == JobStates.Completed && c.EntryId is not null, c.Error));
        Assert.Equal(2, children.Select(c => c.EntryId).Distinct().Count());
    }

    [Fact]
    public async Task CancellingTheParent_CancelsItsChildren()
    {
        // The site never answers: the children hang in probing until they are cancelled.
        fx.Site.Map("hang-1.mp4", ctx => Task.Delay(Timeout.Infinite, ctx.RequestAborted)).Map("hang-2.mp4", ctx => Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        var batch = await fx.Get<Hub.Domain.Imports.BatchImport>().ImportAsync(
            $"{fx.Site.Url("hang-1.mp4")}\n{fx.Site.Url("hang-2.mp4")}\n",
            new Hub.Domain.Imports.BatchOptions { Door = "cli" }, CancellationToken.None);
        foreach (var line in batch.Lines)
        {
            await fx.WaitAsync(line.JobId!.Value, JobStates.Probing);
        }
        var parentId = batch.ParentJobId!.Value;
        await fx.Get<JobQueue>().CancelAsync(parentId, "stop all", CancellationToken.None);

        var parent = await fx.WaitAsync(parentId);
        Assert.Equal(JobStates.Cancelled, parent.State);
        foreach (var line in batch.Lines)
        {
            Assert.Equal(JobStates.Cancelled, (await fx.WaitAsync(line.JobId!.Value)).State);
        }
    }
}

public sealed class ActiveImportReuseTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task SameUrl_SameRequester_GetsTheRunningJob_AnotherRequesterGetsTheirOwn()
    {
        fx.Site.Map("hang-reuse.mp4", ctx => Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        var url = fx.Site.Url("hang-reuse.mp4").AbsoluteUri;
        var imports = fx.Get<Hub.Domain.Imports.ImportService>();
        Hub.Domain.Imports.ImportRequest As(string who) => new() { Url = url, Door = "api", RequestedBy = who };

        var first = await imports.ImportAsync(As("token:alice"), CancellationToken.None);
        var again = await imports.ImportAsync(As("token:alice"), CancellationToken.None);
        var other = await imports.ImportAsync(As("token:bob"), CancellationToken.None);

        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, other.Id);
        await fx.Get<JobQueue>().CancelAsync(first.Id, "test over", CancellationToken.None);
        await fx.Get<JobQueue>().CancelAsync(other.Id, "test over", CancellationToken.None);
    }
}

using System.Security.Cryptography;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Tests.Imports;

[Collection("pipeline")]
public sealed class ImportPipelineTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task DirectFile_IsDownloaded_Probed_Hashed_AndPlacedInVideos()
    {
        var job = await fx.ImportAsync(fx.Site.Url("clip.mp4").AbsoluteUri);
        var done = await fx.WaitAsync(job.Id);

        Assert.Equal(JobStates.Completed, done.State);
        Assert.Equal(100, done.Progress);
        var entry = await fx.EntryAsync(done.EntryId!.Value);
        var videos = (await fx.Get<LibraryService>().ListAsync(CancellationToken.None)).Single(l => l.Name == "Videos");
        Assert.Equal(videos.Id, entry.LibraryId);
        Assert.Equal("video", entry.MediaKind);
        Assert.Equal("mp4", entry.Container);
        Assert.InRange(entry.DurationSeconds!.Value, 4.5, 5.5);
        Assert.True(File.Exists(entry.FilePath));
        Assert.StartsWith(Path.Combine(fx.DataDir, "media", "videos"), entry.FilePath);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(await TestMedia.VideoAsync()))).ToLowerInvariant(), entry.ContentHash);
        Assert.False(Directory.Exists(Path.Combine(fx.DataDir, "tmp", "jobs", job.Id.ToString("N"))));
        var events = await fx.Get<JobQueue>().EventsAsync(job.Id, CancellationToken.None);
        Assert.Equal(["queued", "probing", "queued", "downloading", "processing", "completed"], events.Select(e => e.ToState!).ToArray());
        // The thumbnail follows in its own job.
        Assert.Equal(JobStates.Completed, (await fx.ThumbnailJobAsync(entry.Id)).State);
        entry = await fx.EntryAsync(entry.Id);
        Assert.True(entry.ThumbnailPath is not null && File.Exists(entry.ThumbnailPath));
    }

    [Fact]
    public async Task WebPage_GoesThroughYtDlp_WithItsTitle()
    {
        var job = await fx.ImportAsync(fx.Site.Url("page.html").AbsoluteUri);
        var done = await fx.WaitAsync(job.Id);

        Assert.True(done.State == JobStates.Completed, done.Error);
        var entry = await fx.EntryAsync(done.EntryId!.Value);
        Assert.Equal("OG Test Clip", entry.Title);
        Assert.Equal("html5", entry.Platform);
        Assert.Contains("OG Test Clip", entry.FilePath);
    }

    [Fact]
    public async Task AudioFile_IsClassifiedIntoMusic()
    {
        var done = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url("tone.m4a").AbsoluteUri)).Id);
        Assert.True(done.State == JobStates.Completed, done.Error);
        var music = (await fx.Get<LibraryService>().ListAsync(CancellationToken.None)).Single(l => l.Name == "Music");
        var entry = await fx.EntryAsync(done.EntryId!.Value);
        Assert.Equal(music.Id, entry.LibraryId);
        Assert.Equal("audio", entry.MediaKind);
    }

    [Fact]
    public async Task SameUrlTwice_GivesOneEntry_AndAnAlreadyInLibraryResult()
    {
        fx.Site.MapFile("dup.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "dup"), "video/mp4");
        var first = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url("dup.mp4?utm_source=x").AbsoluteUri)).Id);
        var second = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url("dup.mp4").AbsoluteUri)).Id);

        Assert.Equal(JobStates.Completed, second.State);
        Assert.Equal(first.EntryId, second.EntryId);
        Assert.True(second.Result!.RootElement.GetProperty("duplicate").GetBoolean());
        await using var db = fx.CreateDb();
        Assert.Equal(1, await db.Entries.CountAsync(e => e.Id == first.EntryId));
        // The duplicate's job is named and filed like the entry it found, not a bare URL in no library.
        var entry = await db.Entries.SingleAsync(e => e.Id == first.EntryId);
        Assert.Equal(entry.Title, second.Title);
        Assert.Equal(entry.LibraryId, second.LibraryId);
    }

    [Fact]
    public async Task SameContentFromAnotherUrl_TheJobIsNamedAndFiledLikeTheEntry()
    {
        fx.Site.MapFile("named-a.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "named"), "video/mp4")
            .MapFile("named-b.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "named"), "video/mp4");
        var a = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url("named-a.mp4").AbsoluteUri)).Id);
        var b = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url("named-b.mp4").AbsoluteUri)).Id);
        Assert.Equal(a.EntryId, b.EntryId);
        Assert.True(ImportOutcome.Of(b)!.Duplicate);
        await using var db = fx.CreateDb();
        var entry = await db.Entries.SingleAsync(e => e.Id == a.EntryId);
        Assert.Equal(entry.Title, b.Title);
        Assert.Equal(entry.LibraryId, b.LibraryId);
    }

    [Fact]
    public async Task SameContentFromAnotherUrl_IsRecognisedByHash()
    {
        fx.Site.MapFile("copy-a.m4a", await TestMedia.Mp3Async(), "audio/mpeg").MapFile("copy-b.mp3", await TestMedia.Mp3Async(), "audio/mpeg");
        var a = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url("copy-a.m4a").AbsoluteUri)).Id);
        var b = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url("copy-b.mp3").AbsoluteUri)).Id);
        Assert.Equal(a.EntryId, b.EntryId);
        Assert.Contains("same content", (await fx.Get<JobQueue>().EventsAsync(b.Id, CancellationToken.None)).Last().Message);
    }

    [Fact]
    public async Task ReviewMode_WaitsInInbox_ThenApproveIntoAnotherLibrary()
    {
        fx.Site.MapFile("review.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "review"), "video/mp4");
        var job = await fx.ImportAsync(fx.Site.Url("review.mp4").AbsoluteUri, mode: ImportModes.Review);
        await fx.WaitAsync(job.Id, JobStates.AwaitingReview);
        Assert.Contains(await fx.Get<ImportService>().InboxAsync(50, CancellationToken.None), j => j.Id == job.Id);

        await fx.Get<ImportService>().ApproveAsync(job.Id, "Music", "admin", CancellationToken.None);
        var done = await fx.WaitAsync(job.Id);

        Assert.True(done.State == JobStates.Completed, done.Error);
        var music = (await fx.Get<LibraryService>().ListAsync(CancellationToken.None)).Single(l => l.Name == "Music");
        Assert.Equal(music.Id, (await fx.EntryAsync(done.EntryId!.Value)).LibraryId);
    }

    [Fact]
    public async Task Reject_CancelsTheInboxItem_AndDownloadsNothing()
    {
        fx.Site.MapFile("reject.mp4", await TestMedia.VideoAsync(), "video/mp4");
        var job = await fx.ImportAsync(fx.Site.Url("reject.mp4").AbsoluteUri, mode: ImportModes.Review);
        await fx.WaitAsync(job.Id, JobStates.AwaitingReview);
        var rejected = await fx.Get<ImportService>().RejectAsync(job.Id, "admin", CancellationToken.None);
        Assert.Equal(JobStates.Cancelled, rejected.State);
        Assert.Equal(1, fx.Site.Count("reject.mp4")); // the probe's HEAD only
    }

    [Fact]
    public async Task LowConfidence_GoesToInbox()
    {
        var libs = fx.Get<LibraryService>();
        await libs.CreateAsync(new LibraryInput("Talks", ReviewThreshold: 0.95, Rules: [new LibraryRule { TitleKeywords = ["lecture"] }]), CancellationToken.None);
        fx.Site.MapFile("lecture.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "lecture"), "video/mp4");
        var job = await fx.ImportAsync(fx.Site.Url("lecture.mp4").AbsoluteUri);
        var waiting = await fx.WaitAsync(job.Id, JobStates.AwaitingReview, JobStates.Completed, JobStates.Failed);
        Assert.Equal(JobStates.AwaitingReview, waiting.State);
        Assert.Contains("Talks", waiting.Request.RootElement.GetRawText());
    }

    [Fact]
    public async Task NotFound_FailsAtOnce_WithoutRetry()
    {
        var job = await fx.ImportAsync(fx.Site.Url("missing.mp4").AbsoluteUri);
        var failed = await fx.WaitAsync(job.Id);
        Assert.Equal(JobStates.Failed, failed.State);
        Assert.Equal(0, (await fx.Get<JobQueue>().EventsAsync(job.Id, CancellationToken.None)).Count(e => e.ToState == JobStates.Retrying));
        Assert.Contains("404", failed.ErrorKind + failed.Error);
    }

    [Fact]
    public async Task TransientServerError_IsRetried_AndThenSucceeds()
    {
        var video = await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "flaky");
        var calls = 0;
        fx.Site.Map("flaky.mp4", ctx =>
        {
            // The probe's HEAD succeeds; the first download answers 503, later ones serve the file.
            if (ctx.Request.Method == "GET" && Interlocked.Increment(ref calls) == 1)
            {
                ctx.Response.StatusCode = 503;
                return Task.CompletedTask;
            }
            return Results.File(video, "video/mp4", enableRangeProcessing: true).ExecuteAsync(ctx);
        });
        var done = await fx.WaitAsync((await fx.ImportAsync(fx.Site.Url("flaky.mp4").AbsoluteUri)).Id);
        Assert.True(done.State == JobStates.Completed, done.Error);
        Assert.Equal(1, done.Failures);
    }

    [Fact]
    public async Task CancelRunningDownload_StopsIt_AndLeavesNoTempFiles()
    {
        var bytes = await TestMedia.BytesAsync(8 * 1024 * 1024);
        fx.Site.Map("slow.mp4", async ctx =>
        {
            ctx.Response.ContentType = "video/mp4";
            ctx.Response.ContentLength = 8 * 1024 * 1024;
            if (ctx.Request.Method == "HEAD") return;
            await using var f = File.OpenRead(bytes);
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = await f.ReadAsync(buffer)) > 0)
            {
                await ctx.Response.Body.WriteAsync(buffer.AsMemory(0, n));
                await Task.Delay(50, ctx.RequestAborted);
            }
        });
        var job = await fx.ImportAsync(fx.Site.Url("slow.mp4").AbsoluteUri);
        await fx.WaitAsync(job.Id, JobStates.Downloading);
        var workDir = Path.Combine(fx.DataDir, "tmp", "jobs", job.Id.ToString("N"));
        await Task.Delay(500);

        await fx.Get<JobQueue>().CancelAsync(job.Id, "test", CancellationToken.None);
        var cancelled = await fx.WaitAsync(job.Id);

        Assert.Equal(JobStates.Cancelled, cancelled.State);
        Assert.False(Directory.Exists(workDir));
    }

    [Fact]
    public async Task Batch_WithCommentsAndABadLine_ContinuesOnError_UnderAParentJob()
    {
        fx.Site.MapFile("b1.mp4", await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "b1"), "video/mp4")
            .MapFile("b2.m4a", await TestMedia.VariantAsync(await TestMedia.AudioAsync(), "b2"), "audio/mp4");
        var text = $"# my list\n\n{fx.Site.Url("b1.mp4")}\nftp://example.invalid/x.mp4\n  {fx.Site.Url("b2.m4a")}  \n";
        var batch = fx.Get<BatchImport>();

        var dry = await batch.ImportAsync(text, new BatchOptions { DryRun = true, Door = Doors.Cli }, CancellationToken.None);
        Assert.True(dry.DryRun);
        Assert.Equal((2, 1), (dry.Accepted, dry.Rejected));
        Assert.Equal(4, dry.Lines.Single(l => l.Error is not null).LineNumber);

        await Assert.ThrowsAsync<HubValidationException>(() => batch.ImportAsync(text, new BatchOptions { Door = Doors.Cli }, CancellationToken.None));

        var result = await batch.ImportAsync(text, new BatchOptions { ContinueOnError = true, Door = Doors.Cli }, CancellationToken.None);
        var parent = await fx.WaitAsync(result.ParentJobId!.Value);
        Assert.True(parent.State == JobStates.Completed, parent.Error);
        Assert.Equal(100, parent.Progress);
        var children = await fx.Get<JobQueue>().ListAsync(new JobFilter { ParentId = parent.Id }, CancellationToken.None);
        Assert.Equal(2, children.Count);
        Assert.All(children, c => Assert.Equal(JobStates.Completed, c.State));
    }
}

/// <summary>The network guard at the import door, with private networks NOT allowed (the default).</summary>
public sealed class ImportGuardTests(DatabaseFixture fx) : IClassFixture<DatabaseFixture>
{
    [Theory]
    [InlineData("http://127.0.0.1:9/x.mp4")]
    [InlineData("http://127.1:9/x.mp4")]
    [InlineData("http://2130706433:9/x.mp4")]
    [InlineData("http://[::1]:9/x.mp4")]
    [InlineData("http://[::ffff:127.0.0.1]:9/x.mp4")]
    [InlineData("http://localhost:9/x.mp4")]
    public async Task LoopbackTargets_AreRefused_BeforeAnythingIsCreated(string url)
    {
        var ex = await Assert.ThrowsAnyAsync<HubException>(() => fx.Get<ImportService>().ImportAsync(
            new ImportRequest { Url = url, Door = Doors.Api }, CancellationToken.None));
        Assert.Contains("AllowPrivateNetworks", ex.Message);
        await using var db = fx.CreateDb();
        Assert.False(await db.Jobs.AnyAsync());
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://example.invalid/a.mp4")]
    [InlineData("javascript:alert(1)")]
    [InlineData("not a url")]
    [InlineData("")]
    public async Task HostileOrMalformedUrls_AreValidationErrors(string url)
    {
        var ex = await Assert.ThrowsAsync<HubValidationException>(() => fx.Get<ImportService>().ImportAsync(
            new ImportRequest { Url = url, Door = Doors.Api }, CancellationToken.None));
        Assert.Equal("url", ex.Field);
    }

    [Fact]
    public async Task UnknownFormatOrLibrary_NameTheField()
    {
        var svc = fx.Get<ImportService>();
        Assert.Equal("format", (await Assert.ThrowsAsync<HubValidationException>(() => svc.ImportAsync(
            new ImportRequest { Url = "https://example.invalid/a.mp4", Format = "8k", Door = Doors.Api }, CancellationToken.None))).Field);
        Assert.Equal("library", (await Assert.ThrowsAsync<HubValidationException>(() => svc.ImportAsync(
            new ImportRequest { Url = "https://example.invalid/a.mp4", Library = "Nope", Door = Doors.Api }, CancellationToken.None))).Field);
    }
}

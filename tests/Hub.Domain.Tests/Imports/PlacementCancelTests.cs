using Hub.Domain.Jobs;
using Hub.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Hub.Domain.Tests.Imports;

public sealed class PlacementCancelTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task CancelledWhileTheEntryIsWritten_TakesThePlacedFileBackOutOfTheLibrary()
    {
        // The file is in the library folder before the transaction that writes its entry and completes the job; a cancel
        // (or a lost lease) then must not leave it there without an entry. The test holds that transaction at its first
        // statement: a KEY SHARE lock on the job row keeps the job's FOR UPDATE waiting, yet lets the cancel's flag and
        // the worker's own updates through.
        var bytes = await File.ReadAllBytesAsync(await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "placement-cancel"));
        var fetching = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fx.Site.Map("held.mp4", async ctx =>
        {
            ctx.Response.ContentType = "video/mp4";
            ctx.Response.ContentLength = bytes.Length;
            if (HttpMethods.IsHead(ctx.Request.Method)) return;
            fetching.TrySetResult();
            await release.Task.WaitAsync(ctx.RequestAborted);
            await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
        });
        var media = Path.Combine(fx.DataDir, "media");
        var job = await fx.ImportAsync(fx.Site.Url("held.mp4").AbsoluteUri);
        await fetching.Task.WaitAsync(TimeSpan.FromSeconds(120));

        await using var conn = new NpgsqlConnection(fx.ConnectionString);
        await conn.OpenAsync();
        await using var hold = await conn.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("SELECT 1 FROM jobs WHERE id = $1 FOR KEY SHARE", conn, hold))
        {
            cmd.Parameters.AddWithValue(job.Id);
            Assert.Equal(1, await cmd.ExecuteScalarAsync());
        }
        release.SetResult();
        await Eventually.UntilAsync(() => Task.FromResult(Directory.Exists(media) && Directory.EnumerateFiles(media, "*.mp4", SearchOption.AllDirectories).Any()),
            "the file to be placed in the library", TimeSpan.FromSeconds(120));

        await fx.Get<JobQueue>().CancelAsync(job.Id, "test", CancellationToken.None);
        // The worker stops the waiting transaction and takes the file back before the test lets the row go.
        await Eventually.UntilAsync(() => Task.FromResult(!Directory.EnumerateFiles(media, "*", SearchOption.AllDirectories).Any()),
            "the placed file to leave the library", TimeSpan.FromSeconds(120));
        await hold.RollbackAsync();
        var cancelled = await fx.WaitAsync(job.Id);

        Assert.Equal(JobStates.Cancelled, cancelled.State);
        Assert.Null(cancelled.EntryId);
        Assert.Empty(Directory.EnumerateFiles(media, "*", SearchOption.AllDirectories));
        await using var db = fx.CreateDb();
        Assert.False(await db.Entries.AnyAsync());
        Assert.False(await db.Jobs.AnyAsync(j => j.Kind == Hub.Domain.Media.ThumbnailHandler.Kind));
    }
}

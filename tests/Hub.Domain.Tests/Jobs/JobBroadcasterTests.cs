using System.Threading.Channels;
using Hub.Domain.Jobs;
using Hub.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Hub.Domain.Tests.Jobs;

public sealed class JobBroadcasterTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task AnotherProcess_ReceivesEveryUpdate_AsItWasPublished()
    {
        var dataSource = db.Get<NpgsqlDataSource>();
        // What a second Hub process hears on the channel: a LISTEN of its own, and its own broadcaster and subscribers.
        var heard = Channel.CreateUnbounded<string>();
        await using var listen = await dataSource.OpenConnectionAsync();
        listen.Notification += (_, e) => heard.Writer.TryWrite(e.Payload);
        await using (var cmd = new NpgsqlCommand($"LISTEN {JobBroadcaster.Channel}", listen))
        {
            await cmd.ExecuteNonQueryAsync();
        }
        var otherUpdates = new JobUpdates();
        var other = new JobBroadcaster(dataSource, otherUpdates, new JobSignals(), NullLogger<JobBroadcaster>.Instance);
        using var received = otherUpdates.Subscribe();

        var sender = new JobBroadcaster(dataSource, new JobUpdates(), new JobSignals(), NullLogger<JobBroadcaster>.Instance);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await sender.StartAsync(stop.Token);
        var now = DateTimeOffset.UtcNow;
        // A job with its nullable fields unset (they travel as absent members) and one with every field set.
        var bare = new Job { Id = Guid.NewGuid(), Kind = "import", State = JobStates.Queued, Queue = "nowhere", UpdatedAt = now };
        var full = new Job
        {
            Id = Guid.NewGuid(), ParentId = Guid.NewGuid(), Kind = "import", State = JobStates.Downloading, Queue = "nowhere", Door = "bot",
            RequestedBy = "alice", Title = "A \"quoted\" title, with a comma", Progress = 42.5, BytesDone = 425, BytesTotal = 1000,
            SpeedBps = 12.5, EtaSeconds = 46, Error = "earlier", EntryId = Guid.NewGuid(), LibraryId = Guid.NewGuid(),
            CancelRequested = true, Peers = 3, Seeders = 1, UploadBps = 7, Seeding = true, UpdatedAt = now,
        };
        sender.Published(bare);
        sender.Published(full);

        var got = new Dictionary<Guid, JobUpdate>();
        while (got.Count < 2)
        {
            await listen.WaitAsync(stop.Token);
            while (heard.Reader.TryRead(out var payload))
            {
                other.Receive(payload);
            }
            while (received.TryRead(out var u))
            {
                if (u.JobId == bare.Id || u.JobId == full.Id)
                {
                    got[u.JobId] = u;
                }
            }
        }
        Assert.Equal(JobUpdate.From(bare, now), got[bare.Id]);
        Assert.Equal(JobUpdate.From(full, now), got[full.Id]);
        await sender.StopAsync(CancellationToken.None);
        await using (var cmd = new NpgsqlCommand("UNLISTEN *", listen))
        {
            await cmd.ExecuteNonQueryAsync();
        }
    }
}

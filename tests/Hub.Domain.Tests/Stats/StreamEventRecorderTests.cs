using Hub.Domain.Stats;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Hub.Domain.Tests.Stats;

/// <summary>The stream-event writer against a real PostgreSQL: events gathered into batches arrive, and none is lost at shutdown.</summary>
public sealed class StreamEventRecorderTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private static StreamEvent Event(Guid entry, int i) =>
        new(entry, "stream", DateTimeOffset.UtcNow, 206, $"bytes={i}-{i + 99}", 100, 100, true, "127.0.0.1", "recorder-test", "signed");

    private async Task<long> CountAsync(Guid entry)
    {
        await using var conn = new NpgsqlConnection(db.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM stream_events WHERE entry_id = @e", conn);
        cmd.Parameters.AddWithValue("e", entry);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task EventsOfABusyStream_AreWritten_WithinTheGatheringInterval()
    {
        using var recorder = ActivatorUtilities.CreateInstance<StreamEventRecorder>(db.Services);
        await recorder.StartAsync(CancellationToken.None);
        var entry = Guid.NewGuid();
        for (var i = 0; i < 1200; i++)
        {
            recorder.Record(Event(entry, i)); // more than two full batches, then a partial one
        }
        await Eventually.UntilAsync(async () => await CountAsync(entry) == 1200, "1200 stream events written",
            StreamEventRecorder.FlushInterval * 10);
        await recorder.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task EventsRecordedJustBeforeShutdown_AreWritten_NotLostInTheGatheringWindow()
    {
        var recorder = ActivatorUtilities.CreateInstance<StreamEventRecorder>(db.Services);
        await recorder.StartAsync(CancellationToken.None);
        var entry = Guid.NewGuid();
        for (var i = 0; i < 3; i++)
        {
            recorder.Record(Event(entry, i));
        }
        await Task.Delay(50); // the loop has taken them and is waiting for more
        await recorder.StopAsync(CancellationToken.None);
        recorder.Dispose();
        Assert.Equal(3, await CountAsync(entry));
    }
}

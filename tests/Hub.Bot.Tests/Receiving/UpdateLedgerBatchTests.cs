using Hub.Bot.Receiving;
using Hub.Bot.Tests.Fakes;
using Telegram.Bot.Types;

namespace Hub.Bot.Tests.Receiving;

/// <summary>A poll's batch is recorded with its offset in one statement; replays (also inside one batch) are queued once.</summary>
public sealed class UpdateLedgerBatchTests(BotFixture fx) : IClassFixture<BotFixture>
{
    [Fact]
    public async Task ABatch_RecordsTheNewOnes_AndTheOffset_Once()
    {
        var ledger = fx.App.Get<UpdateLedger>();
        Update U(long id) => new() { Id = checked((int)id), Message = new Message { Id = 1, Text = "/help", Date = DateTime.UtcNow, Chat = new Chat { Id = 5, Type = global::Telegram.Bot.Types.Enums.ChatType.Private } } };

        var first = await ledger.RecordAsync([U(880_000_001), U(880_000_002), U(880_000_002)], 880_000_003, CancellationToken.None);
        Assert.Equal([880_000_001L, 880_000_002L], first.Order());
        Assert.True(await ledger.GetOffsetAsync(CancellationToken.None) >= 880_000_003);

        var second = await ledger.RecordAsync([U(880_000_002), U(880_000_003)], 880_000_004, CancellationToken.None);
        Assert.Equal([880_000_003L], second);
        var offset = await ledger.GetOffsetAsync(CancellationToken.None);
        Assert.True(offset >= 880_000_004);

        // An older offset never moves it back (a slow poller finishing late).
        Assert.Empty(await ledger.RecordAsync([U(880_000_001)], 880_000_002, CancellationToken.None));
        Assert.Equal(offset, await ledger.GetOffsetAsync(CancellationToken.None));
    }
}

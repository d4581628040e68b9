using Hub.Bot.Receiving;
using Hub.Bot.Tests.Fakes;
using Hub.Domain.Access;
using Telegram.Bot.Types;

namespace Hub.Bot.Tests.Receiving;

/// <summary>
/// A poll's batch is recorded with its offset in one statement; replays (also inside one batch) are queued once. An
/// update's processed mark carries its line of the interactions log in the same statement.
/// </summary>
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

    [Fact]
    public async Task MarkingProcessed_WritesTheInteractionLine_WithIt()
    {
        var ledger = fx.App.Get<UpdateLedger>();
        var log = fx.App.Get<InteractionLog>();
        const long user = 880_100;
        Update U(int id) => new() { Id = id, Message = new Message { Id = 1, Text = "/recent", Date = DateTime.UtcNow, Chat = new Chat { Id = user, Type = global::Telegram.Bot.Types.Enums.ChatType.Private } } };
        await ledger.RecordAsync([U(880_100_001), U(880_100_002)], null, CancellationToken.None);

        await ledger.MarkProcessedAsync(880_100_001, null, log.Line(user, InteractionKinds.Command, "/recent", "5 result(s)"), CancellationToken.None);
        await ledger.MarkProcessedAsync(880_100_002, "ab12cd34", null, CancellationToken.None);

        var unprocessed = await ledger.UnprocessedAsync(CancellationToken.None);
        Assert.DoesNotContain(unprocessed, u => u.Id is 880_100_001 or 880_100_002);
        var lines = await log.ListAsync(new InteractionFilter { TelegramId = user }, CancellationToken.None);
        var line = Assert.Single(lines.Items);
        Assert.Equal((InteractionKinds.Command, "/recent", "5 result(s)"), (line.Kind, line.Text, line.Result));
    }
}

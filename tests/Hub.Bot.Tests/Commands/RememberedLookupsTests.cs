using Hub.Bot.Tests.Fakes;
using Hub.Domain.Access;
using Hub.Domain.Entries;
using Hub.Domain.Libraries;
using Hub.Domain.Storage;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Bot.Tests.Commands;

/// <summary>
/// The bot keeps allowed contacts (the contact gate) and library names (beside search results) in memory; a change
/// shows in the very next message: made in this process at once, made by another process (the CLI) once its NOTIFY
/// has arrived. Each test first makes the bot remember the old state, so it fails if a change is not forgotten.
/// </summary>
public sealed class RememberedLookupsTests(BotFixture fx) : IClassFixture<BotFixture>
{
    private FakeBotApi Api => fx.Api;

    [Fact]
    public async Task ContactGate_ABlockedContactIsRefusedAtOnce_ThoughJustSeenAllowed()
    {
        const long user = 7101;
        await SeenAllowedAsync(user);

        await fx.App.Get<ContactService>().BlockAsync(user, CancellationToken.None);
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/help"));

        Assert.Equal("ignored: blocked", await ResultOfAsync(user, "/help"));
    }

    [Fact]
    public async Task ContactGate_ARoleChangeCountsAtOnce()
    {
        const long user = 7102;
        await fx.AllowAsync(user);
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/contacts"));
        await Api.WaitForTextAsync(user, "That command is for admins.");

        await fx.App.Get<ContactService>().SetRoleAsync(user, Roles.Admin, CancellationToken.None);
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/contacts"));

        await Api.WaitForTextAsync(user, "👥 Contacts");
    }

    [Fact]
    public async Task ContactGate_ABlockInAnotherProcess_IsRefusedHereOnceItsNotificationArrived()
    {
        const long user = 7103;
        await SeenAllowedAsync(user);
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fx.App.Get<CacheInvalidation>().InvalidatedNumber += (kind, key) =>
        {
            if (kind == CacheInvalidation.Contact && key == user) heard.TrySetResult();
        };

        await using (var cli = await OtherHubProcess.StartAsync(fx.App.ConnectionString, fx.App.DataDir))
        {
            await cli.GetRequiredService<ContactService>().BlockAsync(user, CancellationToken.None);
        }
        await heard.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/help"));

        Assert.Equal("ignored: blocked", await ResultOfAsync(user, "/help"));
    }

    [Fact]
    public async Task LibraryNames_AnAddedThenRenamedLibrary_ShowsInTheNextSearch()
    {
        const long user = 7104;
        await SeenAllowedAsync(user);

        var libraries = fx.App.Get<LibraryService>();
        var library = await libraries.CreateAsync(new LibraryInput("Okapi Shelf"), CancellationToken.None);
        await AddEntryAsync(library.Id, "okapi at dawn");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/search okapi"));
        Assert.Contains("Okapi Shelf", (await SearchReplyAsync(user, "okapi", 1)).Text, StringComparison.Ordinal);

        await libraries.UpdateAsync(library.Id, new LibraryPatch(Name: "Okapi Archive"), CancellationToken.None);
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/search okapi"));
        var renamed = await SearchReplyAsync(user, "okapi", 2);
        Assert.Contains("Okapi Archive", renamed.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Okapi Shelf", renamed.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LibraryNames_ALibraryRenamedInAnotherProcess_ShowsHereOnceItsNotificationArrived()
    {
        const long user = 7105;
        await fx.AllowAsync(user);
        var library = await fx.App.Get<LibraryService>().CreateAsync(new LibraryInput("Tapir Shelf"), CancellationToken.None);
        await AddEntryAsync(library.Id, "tapir in the rain");
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/search tapir"));
        Assert.Contains("Tapir Shelf", (await SearchReplyAsync(user, "tapir", 1)).Text, StringComparison.Ordinal);
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fx.App.Get<CacheInvalidation>().Invalidated += (kind, id) =>
        {
            if (kind == CacheInvalidation.Library && id == library.Id) heard.TrySetResult();
        };

        await using (var cli = await OtherHubProcess.StartAsync(fx.App.ConnectionString, fx.App.DataDir))
        {
            await cli.GetRequiredService<LibraryService>().UpdateAsync(library.Id, new LibraryPatch(Name: "Tapir Archive"), CancellationToken.None);
        }
        await heard.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/search tapir"));

        Assert.Contains("Tapir Archive", (await SearchReplyAsync(user, "tapir", 2)).Text, StringComparison.Ordinal);
    }

    /// <summary>Allows the user and has them write once, so the gate (and the library names) remember the state before a change.</summary>
    private async Task SeenAllowedAsync(long user)
    {
        await fx.AllowAsync(user);
        Api.PushUpdate(FakeBotApi.TextUpdate(user, "/recent"));
        await Api.WaitForAsync(c => c.Method == "sendMessage" && c.ChatId == user, $"an answer to {user} (now remembered)");
    }

    /// <summary>The <paramref name="nth"/> answer to "/search <paramref name="words"/>" in the user's chat.</summary>
    private async Task<ApiCall> SearchReplyAsync(long user, string words, int nth)
    {
        bool IsReply(ApiCall c) => c.Method == "sendMessage" && c.ChatId == user && c.Text?.StartsWith($"🔎 “{words}”", StringComparison.Ordinal) == true;
        await Api.WaitForAsync(c => IsReply(c) && Api.Calls.Count(IsReply) >= nth, $"answer {nth} to /search {words}");
        return Api.Calls.Where(IsReply).ElementAt(nth - 1);
    }

    private async Task AddEntryAsync(Guid libraryId, string title)
    {
        await using var db = fx.App.CreateDb();
        db.Entries.Add(new Entry
        {
            Id = Guid.CreateVersion7(), LibraryId = libraryId, Title = title, FilePath = $"/nonexistent/{Guid.NewGuid():N}.mp4",
            SizeBytes = 1_000_000, DurationSeconds = 60, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    /// <summary>The interactions log's result for the user's message once it is handled (written with its processed mark).</summary>
    private async Task<string> ResultOfAsync(long user, string text)
    {
        string? result = null;
        await Eventually.UntilAsync(async () =>
        {
            result = await Eventually.ScalarAsync<string?>(fx.App.ConnectionString,
                "SELECT result FROM interactions WHERE telegram_id = $1 AND text = $2 ORDER BY at DESC LIMIT 1", user, text);
            return result is not null;
        }, $"{user}'s {text} handled");
        return result!;
    }
}

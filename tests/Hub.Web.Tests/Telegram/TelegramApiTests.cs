using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Domain.Access;
using Hub.Testing;

namespace Hub.Web.Tests.Telegram;

public sealed class TelegramApiTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    [Theory]
    [InlineData("/api/v1/telegram/settings")]
    [InlineData("/api/v1/telegram/contacts")]
    [InlineData("/api/v1/telegram/interactions")]
    public async Task UserToken_Is403(string path)
    {
        var user = await app.CreateClientAsync("user");
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Settings_ReadAndChange_WithValidation()
    {
        var admin = await app.CreateClientAsync("admin");
        var initial = await admin.GetFromJsonAsync<JsonElement>("/api/v1/telegram/settings");
        Assert.Equal(("on", "files"), (initial.GetProperty("confirm").GetString(), initial.GetProperty("delivery").GetString()));

        var put = await admin.PutAsJsonAsync("/api/v1/telegram/settings", new { defaultLibrary = "videos", defaultFormat = "video_720", confirm = "off", delivery = "links" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var saved = await admin.GetFromJsonAsync<JsonElement>("/api/v1/telegram/settings");
        Assert.Equal(("videos", "video_720", "off", "links"), (saved.GetProperty("defaultLibrary").GetString(), saved.GetProperty("defaultFormat").GetString(),
            saved.GetProperty("confirm").GetString(), saved.GetProperty("delivery").GetString()));

        var bad = await admin.PutAsJsonAsync("/api/v1/telegram/settings", new { confirm = "sometimes" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("confirm", out _));
        // Imports from the bot: at once (the default), or waiting in the inbox; other fields stay as they were.
        Assert.Equal("auto", saved.GetProperty("importMode").GetString());
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/v1/telegram/settings", new { importMode = "review" })).StatusCode);
        var review = await admin.GetFromJsonAsync<JsonElement>("/api/v1/telegram/settings");
        Assert.Equal(("review", "off", "videos"), (review.GetProperty("importMode").GetString(), review.GetProperty("confirm").GetString(),
            review.GetProperty("defaultLibrary").GetString()));
        var badMode = await admin.PutAsJsonAsync("/api/v1/telegram/settings", new { importMode = "later" });
        Assert.Equal(HttpStatusCode.BadRequest, badMode.StatusCode);
        Assert.True((await badMode.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("importMode", out _));
    }

    [Fact]
    public async Task Settings_TheOldModeWords_StillWork()
    {
        var admin = await app.CreateClientAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/v1/telegram/settings", new { mode = "preview" })).StatusCode);
        Assert.Equal("on", (await admin.GetFromJsonAsync<JsonElement>("/api/v1/telegram/settings")).GetProperty("confirm").GetString());
        var bad = await admin.PutAsJsonAsync("/api/v1/telegram/settings", new { mode = "sometimes" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("mode", out _));
    }

    [Fact]
    public async Task Contacts_AddChangeDelete()
    {
        var admin = await app.CreateClientAsync("admin");
        var created = await admin.PostAsJsonAsync("/api/v1/telegram/contacts", new { telegramId = 9001, role = "admin" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("allowed", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await admin.PostAsJsonAsync("/api/v1/telegram/contacts", new { telegramId = 9002 });

        var blocked = await admin.PatchAsJsonAsync("/api/v1/telegram/contacts/9002", new { status = "blocked" });
        Assert.Equal(HttpStatusCode.OK, blocked.StatusCode);
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/telegram/contacts?status=blocked");
        Assert.Equal([9002L], list.EnumerateArray().Select(c => c.GetProperty("telegramId").GetInt64()));

        // The only admin cannot demote themselves: 409.
        var demote = await admin.PatchAsJsonAsync("/api/v1/telegram/contacts/9001", new { role = "user" });
        Assert.Equal(HttpStatusCode.Conflict, demote.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v1/telegram/contacts/9002")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/telegram/contacts/9002")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/v1/telegram/contacts", new { role = "user" })).StatusCode);
    }

    [Fact]
    public async Task BlockingThroughTheApi_CancelsWhatTheyStarted_LikeTheBotDoes()
    {
        var admin = await app.CreateClientAsync("admin");
        await admin.PostAsJsonAsync("/api/v1/telegram/contacts", new { telegramId = 9101 });
        // A queue no worker serves keeps the job waiting, as a long download would be.
        var queue = app.Get<Hub.Domain.Jobs.JobQueue>();
        var theirs = await queue.EnqueueAsync(new Hub.Domain.Jobs.NewJob("import", "q-blocking", "telegram") { RequestedBy = Requester.TelegramKey(9101) }, CancellationToken.None);
        var others = await queue.EnqueueAsync(new Hub.Domain.Jobs.NewJob("import", "q-blocking", "telegram") { RequestedBy = Requester.TelegramKey(9102) }, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync("/api/v1/telegram/contacts/9101", new { status = "blocked" })).StatusCode);

        Assert.Equal(Hub.Domain.Jobs.JobStates.Cancelled, (await queue.GetAsync(theirs.Id, CancellationToken.None)).State);
        Assert.NotEqual(Hub.Domain.Jobs.JobStates.Cancelled, (await queue.GetAsync(others.Id, CancellationToken.None)).State);
        await admin.DeleteAsync("/api/v1/telegram/contacts/9101"); // the contact list test counts the blocked ones
    }

    [Fact]
    public async Task Interactions_ArePaged_AndFilteredByUser()
    {
        var log = app.Get<InteractionLog>();
        for (var i = 0; i < 3; i++)
        {
            await log.RecordAsync(9100, InteractionKinds.Message, "hello " + i, "hint", CancellationToken.None);
        }
        await log.RecordAsync(9101, InteractionKinds.Command, "/start", "ok", CancellationToken.None);
        var admin = await app.CreateClientAsync("admin");
        var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/telegram/interactions?telegramId=9100&pageSize=2");
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal(["hello 2", "hello 1"], page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("text").GetString()));
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"));
        var later = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/telegram/interactions?from={from}");
        Assert.Equal(0, later.GetProperty("total").GetInt32());
    }
}

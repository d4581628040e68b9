using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Hub.Admin.Tests;

[Collection(AdminCollection.Name)]
public sealed class TelegramTests(AdminFixture hub)
{
    [Fact]
    public async Task Settings_AreSaved_AndContacts_AreApprovedBlockedAndPromoted()
    {
        (await hub.Admin.PostAsJsonAsync("/api/v1/telegram/contacts", new { telegramId = 7001, status = "pending" })).EnsureSuccessStatusCode();
        (await hub.Admin.PostAsJsonAsync("/api/v1/telegram/contacts", new { telegramId = 7002, status = "allowed" })).EnsureSuccessStatusCode();
        var library = (await hub.Admin.GetFromJsonAsync<JsonElement>("/api/v1/libraries"))[0].GetProperty("slug").GetString()!;
        var page = await hub.SignedInPageAsync(390, 844);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await AdminPages.OpenAsync(page, "telegram");

        Assert.True(await page.IsCheckedAsync("#tg-confirm")); // the default: senders confirm first
        await page.UncheckAsync("#tg-confirm");
        await page.SelectOptionAsync("#tg-library", library);
        await page.SelectOptionAsync("#tg-mode", "review");
        await page.SelectOptionAsync("#tg-delivery", "links");
        await page.ClickAsync("#tg-settings button[type=submit]");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("Saved");
        var saved = await hub.Admin.GetFromJsonAsync<JsonElement>("/api/v1/telegram/settings");
        Assert.Equal(("off", library, "review", "links"), (saved.GetProperty("confirm").GetString(), saved.GetProperty("defaultLibrary").GetString(),
            saved.GetProperty("importMode").GetString(), saved.GetProperty("delivery").GetString()));

        // A reload shows what was saved.
        await AdminPages.OpenAsync(page, "dashboard");
        await AdminPages.OpenAsync(page, "telegram");
        Assert.False(await page.IsCheckedAsync("#tg-confirm"));
        Assert.Equal("review", await page.InputValueAsync("#tg-mode"));

        await page.ClickAsync("[data-contact='7001'] button:has-text('Approve')");
        await page.WaitForSelectorAsync("[data-contact='7001'][data-status=allowed]");
        await page.ClickAsync("[data-contact='7002'] button:has-text('Block')");
        await page.WaitForSelectorAsync("[data-contact='7002'][data-status=blocked]");
        await page.ClickAsync("[data-contact='7001'] button:has-text('Make admin')");
        await page.WaitForSelectorAsync("[data-contact='7001'][data-role=admin]");
        var contacts = (await hub.Admin.GetFromJsonAsync<JsonElement>("/api/v1/telegram/contacts")).EnumerateArray()
            .ToDictionary(c => c.GetProperty("telegramId").GetInt64());
        Assert.Equal(("allowed", "admin"), (contacts[7001].GetProperty("status").GetString(), contacts[7001].GetProperty("role").GetString()));
        Assert.Equal("blocked", contacts[7002].GetProperty("status").GetString());

        (await hub.Admin.PutAsJsonAsync("/api/v1/telegram/settings", new { confirm = "on", defaultLibrary = "", importMode = "auto", delivery = "files" })).EnsureSuccessStatusCode();
        await page.Context.CloseAsync();
    }
}

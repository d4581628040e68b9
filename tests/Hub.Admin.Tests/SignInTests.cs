using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Hub.Admin.Tests;

[Collection(AdminCollection.Name)]
public sealed class SignInTests(AdminFixture hub)
{
    [Fact]
    public async Task SignIn_SessionOnly_KeepsTheTokenOutOfLocalStorage_AndSignOutForgetsIt()
    {
        var page = await hub.NewPageAsync(390, 844);
        await page.GotoAsync("/admin/");
        await page.FillAsync("#token", hub.AdminToken);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#top:not([hidden])");
        Assert.Equal(hub.AdminToken, await page.EvaluateAsync<string>("() => sessionStorage.getItem('hub.token')"));
        Assert.Null(await page.EvaluateAsync<string?>("() => localStorage.getItem('hub.token')"));
        Assert.DoesNotContain(hub.AdminToken, page.Url, StringComparison.Ordinal);

        await page.ReloadAsync();
        await page.WaitForSelectorAsync("#top:not([hidden])");

        // On a phone the menu is behind the menu button.
        Assert.False(await page.IsVisibleAsync("#logout") && await page.IsVisibleAsync("#nav a[href='#jobs']"));
        await page.ClickAsync("#menu-button");
        await page.ClickAsync("#nav a[href='#jobs']");
        await page.WaitForSelectorAsync("#view h1:has-text('Jobs')");

        await page.ClickAsync("#logout");
        await page.WaitForSelectorAsync("#login-view:not([hidden])");
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('hub.token')"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SignIn_Remembered_SurvivesANewTab_AndARevokedToken_SaysSo()
    {
        var created = await (await hub.Admin.PostAsJsonAsync("/api/v1/tokens", new { name = "browser-" + Guid.NewGuid().ToString("N")[..6], role = "user" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var secret = created.GetProperty("secret").GetString()!;
        var page = await hub.NewPageAsync();
        await page.GotoAsync("/admin/");
        await page.FillAsync("#token", secret);
        await page.CheckAsync("#remember");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#top:not([hidden])");
        Assert.Equal(secret, await page.EvaluateAsync<string>("() => localStorage.getItem('hub.token')"));
        // A user token does not see the admin's pages.
        Assert.False(await page.IsVisibleAsync("#nav a[href='#tokens']"));

        var second = await page.Context.NewPageAsync();
        await second.GotoAsync("/admin/#library");
        await second.WaitForSelectorAsync("#view h1:has-text('Library')");

        (await hub.Admin.DeleteAsync($"/api/v1/tokens/{created.GetProperty("token").GetProperty("id").GetGuid()}")).EnsureSuccessStatusCode();
        await second.ReloadAsync();
        await second.WaitForSelectorAsync("#login-view:not([hidden])");
        Assert.Contains("revoked", await second.TextContentAsync("#login-error") ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Null(await second.EvaluateAsync<string?>("() => localStorage.getItem('hub.token')"));

        // Typing a revoked token says so too.
        await second.FillAsync("#token", secret);
        await second.ClickAsync("button[type=submit]");
        await Assertions.Expect(second.Locator("#login-error")).ToContainTextAsync("revoked");
        await page.Context.CloseAsync();
    }
}

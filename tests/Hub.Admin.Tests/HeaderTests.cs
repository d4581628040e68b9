namespace Hub.Admin.Tests;

/// <summary>
/// The header on a laptop is one row (everyday pages inline, the set-up pages under Settings, theme and sign-out beside
/// them, nothing cut off); below 1200 px it all sits behind the menu button, Settings opening in place.
/// </summary>
[Collection(AdminCollection.Name)]
public sealed class HeaderTests(AdminFixture hub)
{
    [Theory]
    [InlineData(1280, 800)]
    [InlineData(1440, 900)]
    public async Task Laptop_HeaderIsOneRow_AndSettingsIsAMenuThatClosesOnItsPage_AndOnEscape(int width, int height)
    {
        var page = await hub.SignedInPageAsync(width, height);
        await AdminPages.OpenAsync(page, "dashboard");

        await AssertOneRowAsync(page, width, minItems: 10);
        // The theme picker shows its whole label.
        Assert.True(await page.EvaluateAsync<bool>("() => { const s = document.getElementById('theme'); return s.scrollWidth <= s.clientWidth; }"));
        Assert.True(await AdminPages.FitsWidthAsync(page));

        Assert.False(await page.IsVisibleAsync("#nav a[href='#tokens']"));
        await page.ClickAsync("#nav-more > summary");
        await page.ClickAsync("#nav a[href='#tokens']");
        await page.WaitForSelectorAsync("#view h1:has-text('Tokens')");
        // Once the page has rendered, the keyboard focus is on its heading (the router moves it there).
        await page.WaitForFunctionAsync("() => document.activeElement?.tagName === 'H1'");
        Assert.False(await page.EvaluateAsync<bool>("() => document.getElementById('nav-more').open"));
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('#nav-more > summary').classList.contains('active')"));
        Assert.Equal("page", await page.GetAttributeAsync("#nav a[href='#tokens']", "aria-current"));

        // Keyboard: Enter opens it, Escape closes it and leaves the focus on Settings; a click elsewhere closes it too.
        await page.FocusAsync("#nav-more > summary");
        await page.Keyboard.PressAsync("Enter");
        Assert.True(await page.IsVisibleAsync("#nav a[href='#system']"));
        await page.Keyboard.PressAsync("Escape");
        Assert.False(await page.IsVisibleAsync("#nav a[href='#system']"));
        Assert.Equal("SUMMARY", await page.EvaluateAsync<string>("() => document.activeElement.tagName"));
        await page.ClickAsync("#nav-more > summary");
        await page.ClickAsync("#view h1");
        Assert.False(await page.IsVisibleAsync("#nav a[href='#system']"));
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1024, 768)]
    public async Task PhoneAndSmallTablet_TheBarIsOneRowOnEveryPage_AndTheMenuHoldsSettingsAndTheTheme(int width, int height)
    {
        var page = await hub.SignedInPageAsync(width, height, "dark");
        foreach (var hash in new[] { "import", "jobs", "dashboard" }) // the dashboard and jobs add the live badge
        {
            await AdminPages.OpenAsync(page, hash);
            await AssertOneRowAsync(page, width, minItems: 3); // menu, name, sign-out (and the live badge where there is one)
        }
        Assert.False(await page.IsVisibleAsync("#nav-more > summary"));
        Assert.False(await page.IsVisibleAsync("#theme"));
        await page.ClickAsync("#menu-button");
        Assert.True(await page.IsVisibleAsync("#theme"));
        await page.ClickAsync("#nav-more > summary");
        await page.ClickAsync("#nav a[href='#system']");
        await page.WaitForSelectorAsync("#view h1:has-text('System')");
        Assert.False(await page.IsVisibleAsync("#nav-more > summary")); // the menu closed with the page it opened
        Assert.True(await AdminPages.FitsWidthAsync(page));
        Assert.Contains("admin", await page.GetAttributeAsync("#logout", "title") ?? ""); // who is signed in, where there is no room to show it
        await page.Context.CloseAsync();
    }

    /// <summary>Every visible thing in the header sits on one line (their vertical middles within a few pixels).</summary>
    private static async Task AssertOneRowAsync(Microsoft.Playwright.IPage page, int width, int minItems)
    {
        const string Items = "[...document.querySelectorAll('#top > *, #nav > a, #nav-more > summary')]"
            + ".filter(e => e.id !== 'nav' && e.id !== 'nav-more' && e.getClientRects().length > 0)";
        var middles = await page.EvaluateAsync<double[]>($"() => {Items}.map(e => {{ const r = e.getBoundingClientRect(); return r.top + r.height / 2; }})");
        Assert.True(middles.Length >= minItems, $"only {middles.Length} header items visible");
        Assert.True(middles.Max() - middles.Min() <= 6, $"the header wraps at {width}px: " + await page.EvaluateAsync<string>(
            $"() => {Items}.map(e => {{ const r = e.getBoundingClientRect(); return `${{(e.id || e.textContent).trim().slice(0, 14)}} ${{Math.round(r.left)}}+${{Math.round(r.width)}}@${{Math.round(r.top)}}`; }}).join(', ')"));
    }
}

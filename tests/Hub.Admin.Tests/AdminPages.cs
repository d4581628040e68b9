using Microsoft.Playwright;

namespace Hub.Admin.Tests;

/// <summary>Waits the admin's pages need: a page has rendered when its main area is no longer busy.</summary>
public static class AdminPages
{
    public static async Task OpenAsync(IPage page, string hash)
    {
        await page.GotoAsync("/admin/#" + hash);
        await page.WaitForSelectorAsync("#top:not([hidden])");
        // The router marks #view busy while a page renders (#main never is): a page's heading comes before its data.
        await page.WaitForFunctionAsync("() => !document.getElementById('view').hasAttribute('aria-busy') && document.querySelector('#view h1')");
        // Thumbnails arrive as blobs after the page has rendered; give them a moment before anyone measures or shoots.
        await page.WaitForTimeoutAsync(300);
    }

    public static Task<bool> FitsWidthAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.scrollingElement.scrollWidth <= window.innerWidth");
}

using Microsoft.Playwright;

namespace Hub.Admin.Tests;

/// <summary>The jobs page's "From" filter offers the doors the API filters by, each named as people know it.</summary>
[Collection(AdminCollection.Name)]
public sealed class JobsFilterTests(AdminFixture hub)
{
    [Fact]
    public async Task EveryFromChoice_IsADoorTheApiAccepts_AndTheBotsIsCalledTelegram()
    {
        var page = await hub.SignedInPageAsync(1366, 768);
        await AdminPages.OpenAsync(page, "jobs");
        var doors = await page.EvalOnSelectorAllAsync<string[]>("#job-door option", "os => os.map(o => o.value).filter(v => v)");
        Assert.Equal(["web", "api", "bot", "extension", "mcp", "cli"], doors);
        Assert.Equal("Telegram", await page.EvalOnSelectorAsync<string>("#job-door option[value=bot]", "o => o.textContent"));
        foreach (var door in doors)
        {
            var answer = page.WaitForResponseAsync(r => r.Url.Contains("/api/v1/jobs?", StringComparison.Ordinal) && r.Url.Contains("door=" + door, StringComparison.Ordinal));
            await page.SelectOptionAsync("#job-door", door);
            Assert.Equal(200, (await answer).Status);
            await Assertions.Expect(page.Locator("#view .error")).ToHaveCountAsync(0);
        }
        await page.Context.CloseAsync();
    }
}

using System.Net;
using Hub.Testing;

namespace Hub.Web.Tests.Admin;

public sealed class AdminUiTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    [Fact]
    public async Task Admin_RedirectsToTheLoginPage_ServedWithoutAToken()
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var redirect = await client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/admin/", redirect.Headers.Location?.OriginalString);

        var page = await client.GetAsync("/admin/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("id=\"login-form\"", await page.Content.ReadAsStringAsync());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Theory]
    [InlineData("/admin/app.js", "text/javascript")]
    [InlineData("/admin/app.css", "text/css")]
    [InlineData("/admin/js/core.js", "text/javascript")]
    [InlineData("/admin/js/pages/jobs.js", "text/javascript")]
    public async Task Admin_ServesItsScriptAndStyles(string path, string type)
    {
        var response = await app.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Admin_Scripts_NeverInsertRemoteTextAsHtml()
    {
        // Every module the admin ships, read from the source folder (the server embeds the same files).
        var root = Path.Combine(FindRepoRoot(), "Hub.Web", "wwwroot", "admin");
        var scripts = Directory.EnumerateFiles(root, "*.js", SearchOption.AllDirectories).ToList();
        Assert.True(scripts.Count > 5);
        foreach (var file in scripts)
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            var served = await app.CreateClient().GetStringAsync("/admin/" + relative);
            Assert.Equal(await File.ReadAllTextAsync(file), served);
            Assert.DoesNotContain("innerHTML", served);
            Assert.DoesNotContain("insertAdjacentHTML", served);
            Assert.DoesNotContain("eval(", served);
        }
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hub.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Hub.sln not found above the test output.");
    }
}

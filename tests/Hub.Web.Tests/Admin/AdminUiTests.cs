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
    public async Task Admin_ServesItsScriptAndStyles(string path, string type)
    {
        var response = await app.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Admin_Script_NeverInsertsRemoteTextAsHtml()
    {
        var script = await app.CreateClient().GetStringAsync("/admin/app.js");
        Assert.DoesNotContain("innerHTML", script);
        Assert.DoesNotContain("eval(", script);
    }
}

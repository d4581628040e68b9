using Hub.Bot.Menus;

namespace Hub.Bot.Tests.Menus;

public sealed class UserErrorsTests
{
    [Theory]
    [InlineData("http-404", "The site says there is no such file")]
    [InlineData("http-403", "The site refuses to hand that file over")]
    [InlineData("dns", "I couldn't find that site")]
    [InlineData("timeout", "The site did not answer properly")]
    [InlineData("http-429", "The site asks to slow down")]
    public void ALinkThatCannotBeRead_SaysWhatTheSiteSaid_NotThatAnImportFailed(string kind, string expected)
    {
        var user = UserErrors.Describe(kind, "127.0.0.1 says the file does not exist (HTTP 404).", isAdmin: false);
        Assert.StartsWith(expected, user);
        Assert.DoesNotContain("import failed", user);
        Assert.DoesNotContain("127.0.0.1", user); // the technical detail is for admins
        Assert.Contains("Detail: 127.0.0.1 says", UserErrors.Describe(kind, "127.0.0.1 says the file does not exist (HTTP 404).", isAdmin: true));
    }

    [Fact]
    public void AnUnknownKind_IsStillTheImportFailed_WithWhomToTell() =>
        Assert.Equal("The import failed. If it keeps happening, tell an admin.", UserErrors.Describe("something-new", "x", isAdmin: false));
}

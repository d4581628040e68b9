using Hub.Testing;

namespace Hub.Host.Tests.Cli;

/// <summary>`hub contacts …`: the way in for the first Telegram admin, and contact management from a shell.</summary>
public sealed class ContactsCommandTests
{
    [Fact]
    public async Task Add_List_Block_Allow_Delete()
    {
        var env = new Dictionary<string, string?> { ["ConnectionStrings__Hub"] = await TestPostgres.CreateDatabaseAsync("cli") };

        var add = await HubProcess.RunAsync(["contacts", "add", "--id", "123456789", "--role", "admin"], env);
        Assert.True(add.ExitCode == 0, add.Stderr);
        Assert.Contains("Contact 123456789 is an allowed admin.", add.Stdout);
        Assert.Equal(0, (await HubProcess.RunAsync(["contacts", "add", "--id", "555"], env)).ExitCode);

        var list = await HubProcess.RunAsync(["contacts", "list"], env);
        Assert.Matches(@"123456789\s+user 123456789\s+admin\s+allowed", list.Stdout);

        Assert.Equal(0, (await HubProcess.RunAsync(["contacts", "block", "555"], env)).ExitCode);
        Assert.Contains("555", (await HubProcess.RunAsync(["contacts", "list", "--status", "blocked"], env)).Stdout);
        Assert.Equal(0, (await HubProcess.RunAsync(["contacts", "allow", "555"], env)).ExitCode);
        Assert.Equal(0, (await HubProcess.RunAsync(["contacts", "delete", "555"], env)).ExitCode);
        Assert.DoesNotContain("555 ", (await HubProcess.RunAsync(["contacts", "list"], env)).Stdout);

        // The only admin cannot be blocked; the message says why.
        var last = await HubProcess.RunAsync(["contacts", "block", "123456789"], env);
        Assert.NotEqual(0, last.ExitCode);
        Assert.Contains("last admin", last.Stderr);

        var bad = await HubProcess.RunAsync(["contacts", "add", "--id", "alice"], env);
        Assert.Equal(64, bad.ExitCode);
    }
}

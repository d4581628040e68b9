using Hub.Testing;

namespace Hub.Host.Tests.Cli;

/// <summary>`hub token …` and `hub migrate` against a configured server (the connection-string path).</summary>
public sealed class TokenCommandTests
{
    private static async Task<Dictionary<string, string?>> EnvAsync() =>
        new() { ["ConnectionStrings__Hub"] = await TestPostgres.CreateDatabaseAsync("cli") };

    [Fact]
    public async Task Create_PrintsSecretAloneOnLastLine_ListShowsIt_RevokeRemovesIt()
    {
        var env = await EnvAsync();

        var (code, stdout, stderr) = await HubProcess.RunAsync(["token", "create", "--name", "ci-bot", "--role", "admin"], env);
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches("^hub_[A-Za-z0-9_-]{40,}$", lines[^1]);

        var list = await HubProcess.RunAsync(["token", "list"], env);
        Assert.Contains("ci-bot", list.Stdout);
        Assert.DoesNotContain(lines[^1], list.Stdout);

        var refused = await HubProcess.RunAsync(["token", "revoke", "ci-bot"], env);
        Assert.NotEqual(0, refused.ExitCode); // the last admin token: the way out is named
        Assert.Contains("hub token create --name NAME --role admin", refused.Stderr);
        var duplicate = await HubProcess.RunAsync(["token", "create", "--name", "ci-bot"], env);
        Assert.NotEqual(0, duplicate.ExitCode);
        Assert.Contains("already named 'ci-bot'", duplicate.Stderr);

        Assert.Equal(0, (await HubProcess.RunAsync(["token", "create", "--name", "ops", "--role", "admin"], env)).ExitCode);
        var revoke = await HubProcess.RunAsync(["token", "revoke", "ci-bot"], env);
        Assert.Equal(0, revoke.ExitCode);
        Assert.DoesNotContain("ci-bot", (await HubProcess.RunAsync(["token", "list"], env)).Stdout);
    }

    [Fact]
    public async Task Create_WithBadRole_FailsWithMessage()
    {
        var (code, _, stderr) = await HubProcess.RunAsync(["token", "create", "--name", "x", "--role", "root"], await EnvAsync());
        Assert.NotEqual(0, code);
        Assert.Contains("Role must be", stderr);
    }

    [Fact]
    public async Task Migrate_ReportsSchemaVersion()
    {
        var (code, stdout, stderr) = await HubProcess.RunAsync(["migrate"], await EnvAsync());
        Assert.True(code == 0, stderr);
        Assert.Contains("schema version", stdout);
    }

    [Fact]
    public async Task UnknownCommand_IsUsageError()
    {
        var (code, _, stderr) = await HubProcess.RunAsync(["frobnicate"]);
        Assert.Equal(64, code);
        Assert.Contains("Unknown command", stderr);
    }

    [Fact]
    public async Task UnreachableDatabase_ExitsWithClearError()
    {
        var (code, _, stderr) = await HubProcess.RunAsync(["migrate"], new Dictionary<string, string?> { ["HUB_DATABASE"] = "Host=127.0.0.1;Port=1;Username=x;Database=y;Timeout=3" });
        Assert.Equal(69, code);
        Assert.Contains("cannot reach its database", stderr);
    }
}

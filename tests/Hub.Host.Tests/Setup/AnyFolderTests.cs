using System.Diagnostics;
using System.Text.RegularExpressions;
using Hub.Testing;

namespace Hub.Host.Tests.Setup;

/// <summary>
/// The usual VPS case: root, a clone in root's 0700 home, `./hub.sh run`. The private PostgreSQL runs as `postgres`,
/// which cannot walk into that home, so its cluster goes under Hub:Database:ClusterRoot (a temp folder here, never
/// the real /var/lib/hub); and a CLI command run from any other folder finds the same data.
/// </summary>
public sealed partial class AnyFolderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hub-anyfolder-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        foreach (var pid in ProcessInfo.Find(_root))
        {
            try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { }
        }
        try { Directory.Delete(_root, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    [AsRootFact]
    public async Task AsRoot_FromACloneUnderA0700Home_RunCommandWorks_AndTheCliFromAnotherFolderFindsTheSameData()
    {
        var home = Path.Combine(_root, "home");
        var clone = Path.Combine(home, "hub");
        var clusterRoot = Path.Combine(_root, "var-lib-hub");
        Directory.CreateDirectory(home);
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // like /root
        var program = Path.Combine(clone, "Hub.Host", "bin", "Release", "net10.0");
        Directory.CreateDirectory(Path.GetDirectoryName(program)!);
        await RunAsync("cp", "-al", Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), program); // the built program, as `./hub.sh run` builds it
        File.Copy(Path.Combine(RepoRoot(), "hub.sh"), Path.Combine(clone, "hub.sh"));

        var url = $"http://127.0.0.1:{HubProcess.FreePort()}";
        var env = new Dictionary<string, string?> { ["HUB_SKIP_BUILD"] = "1", ["Hub__Database__ClusterRoot"] = clusterRoot };
        await using (var serve = HubProcess.StartProgram("bash", ["./hub.sh", "run", $"--urls={url}"], env, clone))
        {
            await serve.WaitForOutputAsync("Admin token", TimeSpan.FromSeconds(120));
            Assert.Contains($"{url}/admin/", serve.Stdout);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(home)); // untouched

            var location = File.ReadAllText(Path.Combine(clone, "data", "postgres.location")).Trim();
            Assert.StartsWith(clusterRoot + "/", location);
            Assert.True(File.Exists(Path.Combine(location, "cluster", "PG_VERSION")));

            // From another folder, with the same program: the same data, and it says which.
            var elsewhere = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
            var (code, stdout, stderr) = await RunHubAsync(Path.Combine(program, "hub.dll"), elsewhere, env, "token", "list");
            Assert.True(code == 0, stderr);
            Assert.Contains("admin", stdout);
            Assert.Contains($"Data folder {Path.Combine(clone, "data")}", stderr);
            Assert.Contains(location, stderr);
            Assert.False(Directory.Exists(Path.Combine(elsewhere, "data")));

            serve.Terminate();
            await serve.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
        Assert.Empty(ProcessInfo.Find(clusterRoot));
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "hub.sh")))
            {
                return d.FullName;
            }
        }
        throw new InvalidOperationException("hub.sh not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunHubAsync(string hubDll, string workingDirectory, Dictionary<string, string?> env, params string[] args)
    {
        await using var p = HubProcess.StartProgram("dotnet", [hubDll, .. args], env, workingDirectory);
        await p.WaitForExitAsync(TimeSpan.FromSeconds(90));
        return (p.ExitCode, p.Stdout, p.Stderr);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false })!;
        await p.WaitForExitAsync();
        Assert.Equal(0, p.ExitCode);
    }
}

/// <summary>A fact about running as root (the private PostgreSQL then runs as `postgres`); skipped, saying so, otherwise.</summary>
public sealed class AsRootFactAttribute : FactAttribute
{
    public AsRootFactAttribute()
    {
        if (Environment.UserName != "root")
        {
            Skip = "needs root: only as root does the private PostgreSQL run as the `postgres` user, whom a 0700 home keeps out";
        }
    }
}

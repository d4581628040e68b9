using System.Diagnostics;

namespace Hub.Testing;

/// <summary>
/// The npm peers under tests/e2e (telegram-test-api, the MCP Inspector). <c>./hub.sh test</c> installs them before the run;
/// a test started on its own (dotnet test, an IDE) runs <c>npm ci</c> here instead. Test assemblies run in parallel
/// processes and <c>npm ci</c> first deletes node_modules, so the install is serialised across processes by a lock file:
/// without it one assembly started its emulator from a node_modules another was rebuilding.
/// </summary>
public static class NpmFolder
{
    /// <summary>The repository's tests/e2e/<paramref name="name"/>, installed (every one of <paramref name="packages"/> present).</summary>
    public static async Task<string> EnsureAsync(string name, params string[] packages)
    {
        var folder = Path.Combine(RepoRoot(), "tests", "e2e", name);
        if (Installed(folder, packages))
        {
            return folder;
        }
        await using var gate = await LockAsync(Path.Combine(folder, ".npm-ci.lock"));
        if (Installed(folder, packages))
        {
            return folder; // another process installed it while this one waited
        }
        var psi = new ProcessStartInfo("npm") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "ci", "--no-audit", "--no-fund" })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(cts.Token);
        if (p.ExitCode != 0 || !Installed(folder, packages))
        {
            throw new InvalidOperationException($"npm ci in {folder} failed ({p.ExitCode}): {await stderr}");
        }
        return folder;
    }

    // A package counts as installed once its package.json is there: npm writes it with the package's files.
    private static bool Installed(string folder, string[] packages) =>
        packages.All(p => File.Exists(Path.Combine(folder, "node_modules", p, "package.json")));

    private static async Task<FileStream> LockAsync(string path)
    {
        var until = DateTime.UtcNow.AddMinutes(6);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(200);
            }
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hub.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Hub.sln not found above the test folder.");
    }
}

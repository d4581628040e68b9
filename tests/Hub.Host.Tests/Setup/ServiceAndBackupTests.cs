using Hub.Testing;
using Npgsql;

namespace Hub.Host.Tests.Setup;

/// <summary>`hub service install|uninstall` (the unit it writes; systemctl is a recording stand-in), `hub backup` and `hub restore`, and `hub help`.</summary>
public sealed class ServiceAndBackupTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("hub-setup-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    [Fact]
    public async Task ServiceInstall_WritesAUnitForThisProgramAndDataFolder_EnablesIt_AndUninstallRemovesIt()
    {
        var unitDir = Path.Combine(_root, "units");
        var calls = Path.Combine(_root, "systemctl.log");
        var systemctl = Path.Combine(_root, "systemctl");
        await File.WriteAllTextAsync(systemctl, $"#!/bin/sh\necho \"$*\" >> '{calls}'\n");
        File.SetUnixFileMode(systemctl, (UnixFileMode)0b111_101_101);
        var data = Path.Combine(_root, "my data");

        var (code, stdout, stderr) = await HubProcess.RunAsync(["service", "install", "--unit-dir", unitDir, "--systemctl", systemctl,
            "--urls=http://0.0.0.0:8080", "--Hub:PublicUrl=http://192.0.2.10:8080"], new Dictionary<string, string?> { ["Hub__DataDir"] = data });
        Assert.True(code == 0, stderr + stdout);
        var unit = await File.ReadAllTextAsync(Path.Combine(unitDir, "hub.service"));
        Assert.Contains("[Service]", unit);
        Assert.Contains($"\"--Hub:DataDir={data}\"", unit); // quoted: the path has a space
        Assert.Contains($"{HubProcess.HubDll} serve", unit);
        Assert.Contains("--urls=http://0.0.0.0:8080", unit);
        Assert.Contains("--Hub:PublicUrl=http://192.0.2.10:8080", unit);
        Assert.Contains("Restart=on-failure", unit);
        Assert.Contains("WantedBy=multi-user.target", unit);
        Assert.Equal(["daemon-reload", "enable --now hub.service"], await File.ReadAllLinesAsync(calls));

        (code, _, stderr) = await HubProcess.RunAsync(["service", "uninstall", "--unit-dir", unitDir, "--systemctl", systemctl]);
        Assert.True(code == 0, stderr);
        Assert.False(File.Exists(Path.Combine(unitDir, "hub.service")));
        Assert.Equal(["daemon-reload", "enable --now hub.service", "disable --now hub.service", "daemon-reload"], await File.ReadAllLinesAsync(calls));
    }

    [Fact]
    public async Task BackupThenRestoreOntoAFreshDatabase_BringsBackTokensSettingsAndMedia()
    {
        var source = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Hub"] = await TestPostgres.CreateDatabaseAsync("backup_src"),
            ["Hub__DataDir"] = Path.Combine(_root, "src"),
        };
        var media = Directory.CreateDirectory(Path.Combine(_root, "src", "media", "Music")).FullName;
        await File.WriteAllTextAsync(Path.Combine(media, "song.mp3"), "not really an mp3");
        var created = await HubProcess.RunAsync(["token", "create", "--name", "kept", "--role", "admin"], source);
        Assert.True(created.ExitCode == 0, created.Stderr);
        string key;
        await using (var conn = new NpgsqlConnection(source["ConnectionStrings__Hub"]))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("INSERT INTO settings (key, value) VALUES ('signed_links.key', '\"c2VjcmV0\"') ON CONFLICT (key) DO UPDATE SET value = excluded.value RETURNING value::text", conn);
            key = (string)(await cmd.ExecuteScalarAsync())!;
        }
        // An entry records its file by absolute path: after a restore elsewhere it must point at the restored copy.
        var songId = Guid.CreateVersion7();
        await using (var conn = new NpgsqlConnection(source["ConnectionStrings__Hub"]))
        {
            await conn.OpenAsync();
            var libId = Guid.CreateVersion7();
            await using var lib = new NpgsqlCommand("INSERT INTO libraries (id, name, slug, root_folder, path_template) VALUES ($1, 'Backed up', 'backed-up', 'Music', '{title}.{ext}')", conn);
            lib.Parameters.AddWithValue(libId);
            await lib.ExecuteNonQueryAsync();
            await using var entry = new NpgsqlCommand("INSERT INTO entries (id, library_id, title, file_path) VALUES ($1, $2, 'song', $3)", conn);
            entry.Parameters.AddWithValue(songId);
            entry.Parameters.AddWithValue(libId);
            entry.Parameters.AddWithValue(Path.Combine(media, "song.mp3"));
            await entry.ExecuteNonQueryAsync();
        }

        var file = Path.Combine(_root, "hub-backup.tar.gz");
        var backup = await HubProcess.RunAsync(["backup", file, "--media"], source);
        Assert.True(backup.ExitCode == 0, backup.Stderr);
        Assert.Contains("1 media files listed and included", backup.Stdout);

        var target = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Hub"] = await TestPostgres.CreateDatabaseAsync("backup_dst"),
            ["Hub__DataDir"] = Path.Combine(_root, "dst"),
        };
        var restore = await HubProcess.RunAsync(["restore", file], target);
        Assert.True(restore.ExitCode == 0, restore.Stderr + restore.Stdout);
        Assert.Contains("1 restored from the backup, 1 of 1 match the manifest", restore.Stdout);
        Assert.Equal("not really an mp3", await File.ReadAllTextAsync(Path.Combine(_root, "dst", "media", "Music", "song.mp3")));
        Assert.Contains("kept", (await HubProcess.RunAsync(["token", "list"], target)).Stdout);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file)); // it holds the signing key
        await using (var conn = new NpgsqlConnection(target["ConnectionStrings__Hub"]))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT file_path FROM entries WHERE id = $1", conn);
            cmd.Parameters.AddWithValue(songId);
            Assert.Equal(Path.Combine(_root, "dst", "media", "Music", "song.mp3"), await cmd.ExecuteScalarAsync());
        }
        await using (var conn = new NpgsqlConnection(target["ConnectionStrings__Hub"]))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT value::text FROM settings WHERE key = 'signed_links.key'", conn);
            Assert.Equal(key, await cmd.ExecuteScalarAsync());
        }

        // A second restore onto what now holds data is refused, saying how.
        var again = await HubProcess.RunAsync(["restore", file], target);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("fresh data folder", again.Stderr);
    }

    [Fact]
    public async Task Help_IsAligned_AndFitsEightyColumns()
    {
        var (code, stdout, _) = await HubProcess.RunAsync(["help"]);
        Assert.Equal(0, code);
        var lines = stdout.Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 80, $"too wide: {l}"));
        var descriptions = lines.Where(l => l.StartsWith("  hub ", StringComparison.Ordinal) && l.Length > 26 && l[25] == ' ' && l[26] != ' ').ToList();
        Assert.NotEmpty(descriptions);
        Assert.All(lines.Where(l => l.StartsWith("   ", StringComparison.Ordinal)), l => Assert.Equal(26, l.Length - l.TrimStart().Length));
    }
}

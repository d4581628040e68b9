using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Hub.Domain.Processes;
using Hub.Domain.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Domain.Backup;

/// <summary>One media file as the manifest lists it: its path under the media folder, size and SHA-256.</summary>
public sealed record BackupMediaFile(string Path, long Size, string Sha256);

/// <summary>What a backup holds; <c>manifest.json</c> at the top of the archive.</summary>
public sealed record BackupManifest(
    string Format, DateTimeOffset CreatedAt, string DataDir, int SchemaVersion, bool MediaIncluded, IReadOnlyList<BackupMediaFile> Media,
    string? MediaDir = null)
{
    public const string CurrentFormat = "hub-backup/1";
}

/// <summary>What <see cref="HubBackup.RestoreAsync"/> did: media taken from the archive, media whose hash matches the manifest, and those missing.</summary>
public sealed record RestoreReport(int MediaRestored, int MediaVerified, IReadOnlyList<string> MediaMissing);

/// <summary>
/// <c>hub backup FILE</c> and <c>hub restore FILE</c>: a .tar.gz with the database dump (pg_dump, plain SQL: every table,
/// the signing key and settings among them), <c>settings.json</c> (the settings table alone, readable), a manifest of the
/// media files with their SHA-256, and optionally the media themselves. Restore goes onto a fresh data folder.
/// </summary>
public sealed class HubBackup(HubDatabase database, IOptions<HubOptions> options, ProcessRunner runner)
{
    private const string DumpEntry = "database.sql";
    private const string ManifestEntry = "manifest.json";
    private const string SettingsEntry = "settings.json";
    private const string MediaPrefix = "media/";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<BackupManifest> BackupAsync(string file, bool includeMedia, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("hub-backup-");
        try
        {
            var dump = Path.Combine(work.FullName, DumpEntry);
            await RunToolAsync("pg_dump", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "-f", dump], cancellationToken).ConfigureAwait(false);
            var mediaDir = options.Value.FullMediaDir;
            var media = new List<BackupMediaFile>();
            if (Directory.Exists(mediaDir))
            {
                foreach (var path in Directory.EnumerateFiles(mediaDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    media.Add(new BackupMediaFile(Path.GetRelativePath(mediaDir, path), new FileInfo(path).Length, await HashAsync(path, cancellationToken).ConfigureAwait(false)));
                }
            }
            var manifest = new BackupManifest(BackupManifest.CurrentFormat, DateTimeOffset.UtcNow, options.Value.FullDataDir,
                await SchemaVersionAsync(cancellationToken).ConfigureAwait(false), includeMedia, media, mediaDir);

            var partial = file + ".partial";
            // It holds the signed-link key and the token hashes: for its owner only.
            await using (var output = new FileStream(partial, new FileStreamOptions
            {
                Mode = FileMode.Create, Access = FileAccess.Write,
                UnixCreateMode = OperatingSystem.IsWindows() ? null : UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            await using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: false))
            {
                await WriteTextAsync(tar, ManifestEntry, JsonSerializer.Serialize(manifest, Json), cancellationToken).ConfigureAwait(false);
                await WriteTextAsync(tar, SettingsEntry, await SettingsJsonAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                await tar.WriteEntryAsync(dump, DumpEntry, cancellationToken).ConfigureAwait(false);
                if (includeMedia)
                {
                    foreach (var m in media)
                    {
                        await tar.WriteEntryAsync(Path.Combine(mediaDir, m.Path), MediaPrefix + m.Path, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            File.Move(partial, file, overwrite: true);
            return manifest;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Restores onto this data folder's database, which must hold nothing yet unless <paramref name="force"/>.</summary>
    public async Task<(BackupManifest Manifest, RestoreReport Report)> RestoreAsync(string file, bool force, CancellationToken cancellationToken)
    {
        if (!force && await HoldsDataAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new HubConflictException("not-fresh", $"The database ({database.Describe()}) already holds entries, jobs or tokens. Restore onto a fresh data folder " +
                "(--Hub:DataDir=/new/folder), or add --force to replace everything in it.");
        }
        var work = Directory.CreateTempSubdirectory("hub-restore-");
        try
        {
            BackupManifest? manifest = null;
            var mediaDir = options.Value.FullMediaDir;
            var restored = 0;
            await using (var input = File.OpenRead(file))
            await using (var gzip = new GZipStream(input, CompressionMode.Decompress))
            await using (var tar = new TarReader(gzip))
            {
                while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                    {
                        continue;
                    }
                    if (entry.Name == ManifestEntry)
                    {
                        manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(entry.DataStream, Json, cancellationToken).ConfigureAwait(false);
                    }
                    else if (entry.Name == DumpEntry)
                    {
                        await entry.ExtractToFileAsync(Path.Combine(work.FullName, DumpEntry), overwrite: true, cancellationToken).ConfigureAwait(false);
                    }
                    else if (entry.Name.StartsWith(MediaPrefix, StringComparison.Ordinal))
                    {
                        var target = Path.GetFullPath(Path.Combine(mediaDir, entry.Name[MediaPrefix.Length..]));
                        if (!target.StartsWith(Path.TrimEndingDirectorySeparator(mediaDir) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                        {
                            throw new HubValidationException("file", $"The backup names a media file outside the media folder: {entry.Name}");
                        }
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        await entry.ExtractToFileAsync(target, overwrite: true, cancellationToken).ConfigureAwait(false);
                        restored++;
                    }
                }
            }
            if (manifest is null || manifest.Format != BackupManifest.CurrentFormat || !File.Exists(Path.Combine(work.FullName, DumpEntry)))
            {
                throw new HubValidationException("file", $"{file} is not a Hub backup ({BackupManifest.CurrentFormat}: {ManifestEntry} and {DumpEntry}).");
            }
            NpgsqlConnection.ClearAllPools();
            await RunToolAsync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", Path.Combine(work.FullName, DumpEntry)], cancellationToken).ConfigureAwait(false);
            NpgsqlConnection.ClearAllPools();
            await MovePathsAsync(manifest.MediaDir, mediaDir, cancellationToken).ConfigureAwait(false);
            await MovePathsAsync(manifest.DataDir, options.Value.FullDataDir, cancellationToken).ConfigureAwait(false);

            var present = 0;
            var missing = new List<string>();
            foreach (var m in manifest.Media)
            {
                var path = Path.Combine(mediaDir, m.Path);
                if (File.Exists(path) && await HashAsync(path, cancellationToken).ConfigureAwait(false) == m.Sha256)
                {
                    present++;
                }
                else
                {
                    missing.Add(m.Path);
                }
            }
            return (manifest, new RestoreReport(restored, present, missing));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Entries record absolute paths: those under the backed-up folder <paramref name="from"/> now live under
    /// <paramref name="to"/> (the media folder first, then the data folder for thumbnails and the rest).
    /// </summary>
    private async Task MovePathsAsync(string? from, string to, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(from) || Path.TrimEndingDirectorySeparator(from) == Path.TrimEndingDirectorySeparator(to))
        {
            return;
        }
        await using var cmd = database.DataSource.CreateCommand(
            "UPDATE entries SET " +
            "file_path = CASE WHEN starts_with(file_path, $1) THEN $2 || substr(file_path, length($1) + 1) ELSE file_path END, " +
            "thumbnail_path = CASE WHEN starts_with(thumbnail_path, $1) THEN $2 || substr(thumbnail_path, length($1) + 1) ELSE thumbnail_path END " +
            "WHERE starts_with(file_path, $1) OR starts_with(thumbnail_path, $1)");
        cmd.Parameters.AddWithValue(Path.TrimEndingDirectorySeparator(from) + Path.DirectorySeparatorChar);
        cmd.Parameters.AddWithValue(Path.TrimEndingDirectorySeparator(to) + Path.DirectorySeparatorChar);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> HoldsDataAsync(CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM entries) OR EXISTS (SELECT 1 FROM jobs) OR EXISTS (SELECT 1 FROM api_tokens)");
        return (bool)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<int> SchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand("SELECT coalesce(max(version), 0) FROM schema_migrations");
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<string> SettingsJsonAsync(CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand("SELECT coalesce(jsonb_object_agg(key, value ORDER BY key), '{}'::jsonb)::text FROM settings");
        using var doc = JsonDocument.Parse((string)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
        return JsonSerializer.Serialize(doc.RootElement, Json);
    }

    private async Task RunToolAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var spec = new ProcessSpec(Path.Combine(database.ToolBinDir, tool), args)
        {
            Timeout = TimeSpan.FromHours(6),
            Environment = database.LibpqEnvironment(),
        };
        var result = await runner.RunAsync(spec, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new ProcessFailedException(tool, result);
        }
    }

    private static async Task WriteTextAsync(TarWriter tar, string name, string text, CancellationToken cancellationToken)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) };
        await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }
}

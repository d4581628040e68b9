using System.Net.Http.Json;
using Npgsql;
using NpgsqlTypes;

namespace Hub.Web.Tests.Entries;

/// <summary>One entry row to insert directly (tests that need many entries, or precise files, skip the import pipeline).</summary>
public sealed record SeedEntry(string Title)
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public string? Platform { get; init; }
    public string? Uploader { get; init; }
    public string MediaKind { get; init; } = "video";
    public string? Container { get; init; } = "mp4";
    public double? DurationSeconds { get; init; }
    public long SizeBytes { get; init; }
    public string? ContentHash { get; init; }
    public string FilePath { get; init; } = "/nonexistent/file.mp4";
    public string? ThumbnailPath { get; init; }
    public string[] Tags { get; init; } = [];
    public string Properties { get; init; } = "{}";
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>The owner's requester key (see <see cref="EntrySeed.OwnerKeyAsync"/>), or null for none.</summary>
    public string? RequestedBy { get; init; }
}

/// <summary>Inserts libraries and entries straight into a test database, and writes real files for them.</summary>
public static class EntrySeed
{
    public static async Task<Guid> LibraryAsync(string connectionString, string name, string kind = "video")
    {
        var id = Guid.CreateVersion7();
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO libraries (id, name, slug, root_folder, path_template, media_kind) VALUES ($1, $2, $3, $3, '{title}.{ext}', $4)", conn);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(name.ToLowerInvariant().Replace(' ', '-'));
        cmd.Parameters.AddWithValue(kind);
        await cmd.ExecuteNonQueryAsync();
        return id;
    }

    /// <summary>Binary COPY: thousands of rows in well under a second.</summary>
    public static async Task InsertAsync(string connectionString, Guid libraryId, IEnumerable<SeedEntry> entries)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var copy = await conn.BeginBinaryImportAsync(
            "COPY entries (id, library_id, title, platform, uploader, media_kind, container, duration_seconds, size_bytes, content_hash, " +
            "file_path, thumbnail_path, tags, properties, created_at, updated_at, requested_by) FROM STDIN (FORMAT BINARY)");
        var now = DateTimeOffset.UtcNow;
        foreach (var e in entries)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(e.Id, NpgsqlDbType.Uuid);
            await copy.WriteAsync(libraryId, NpgsqlDbType.Uuid);
            await copy.WriteAsync(e.Title, NpgsqlDbType.Text);
            await Text(copy, e.Platform);
            await Text(copy, e.Uploader);
            await copy.WriteAsync(e.MediaKind, NpgsqlDbType.Text);
            await Text(copy, e.Container);
            if (e.DurationSeconds is { } d) await copy.WriteAsync(d, NpgsqlDbType.Double); else await copy.WriteNullAsync();
            await copy.WriteAsync(e.SizeBytes, NpgsqlDbType.Bigint);
            await Text(copy, e.ContentHash);
            await copy.WriteAsync(e.FilePath, NpgsqlDbType.Text);
            await Text(copy, e.ThumbnailPath);
            await copy.WriteAsync(e.Tags, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await copy.WriteAsync(e.Properties, NpgsqlDbType.Jsonb);
            await copy.WriteAsync((e.CreatedAt ?? now).ToUniversalTime(), NpgsqlDbType.TimestampTz);
            await copy.WriteAsync((e.CreatedAt ?? now).ToUniversalTime(), NpgsqlDbType.TimestampTz);
            await Text(copy, e.RequestedBy);
        }
        await copy.CompleteAsync();
    }

    /// <summary>The requester key Hub records for what this client's token asks for (<c>token:{id}</c>).</summary>
    public static async Task<string> OwnerKeyAsync(HttpClient client) =>
        "token:" + (await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/me")).GetProperty("tokenId").GetString();

    public static Task InsertAsync(string connectionString, Guid libraryId, params SeedEntry[] entries) =>
        InsertAsync(connectionString, libraryId, (IEnumerable<SeedEntry>)entries);

    /// <summary>Writes a file whose byte at offset i is <see cref="ByteAt"/>(i), and returns its path.</summary>
    public static string WriteFile(string dir, string name, long size)
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        var bytes = new byte[size];
        for (var i = 0; i < size; i++) bytes[i] = ByteAt(i);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static byte ByteAt(long offset) => (byte)((offset * 7 + 3) % 251);

    private static Task Text(NpgsqlBinaryImporter copy, string? value) =>
        value is null ? copy.WriteNullAsync() : copy.WriteAsync(value, NpgsqlDbType.Text);

    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql, params object[] args)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        var v = await cmd.ExecuteScalarAsync();
        return v is null or DBNull ? default : (T)v;
    }
}

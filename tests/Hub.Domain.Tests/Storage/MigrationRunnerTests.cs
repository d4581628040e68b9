using Hub.Domain.Storage;
using Hub.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Hub.Domain.Tests.Storage;

public sealed class MigrationRunnerTests
{
    [Fact]
    public void All_AreNumberedInOrder_WithoutGaps()
    {
        var versions = MigrationRunner.All().Select(m => m.Version).ToList();
        Assert.NotEmpty(versions);
        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
    }

    [Fact]
    public async Task Migrate_OnFreshDatabase_CreatesSchema_AndSecondRunAppliesNothing()
    {
        var cluster = await TestPostgres.GetClusterAsync();
        await HubDatabase.EnsureDatabaseAsync(cluster.ConnectionString("postgres"), "migrate_fresh", CancellationToken.None);
        await using var ds = NpgsqlDataSource.Create(cluster.ConnectionString("migrate_fresh"));
        var runner = new MigrationRunner(ds, NullLogger<MigrationRunner>.Instance);

        var first = await runner.MigrateAsync(CancellationToken.None);
        var second = await runner.MigrateAsync(CancellationToken.None);

        Assert.Equal(MigrationRunner.All().Count, first.Count);
        Assert.Empty(second);
        await using var cmd = ds.CreateCommand("""
            SELECT count(*) FROM information_schema.tables
            WHERE table_schema = 'public' AND table_name IN ('libraries','entries','jobs','job_events','api_tokens','settings')
            """);
        Assert.Equal(6L, await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Migrate_Concurrently_AppliesEachMigrationOnce()
    {
        var cluster = await TestPostgres.GetClusterAsync();
        await HubDatabase.EnsureDatabaseAsync(cluster.ConnectionString("postgres"), "migrate_race", CancellationToken.None);
        await using var ds = NpgsqlDataSource.Create(cluster.ConnectionString("migrate_race"));
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => new MigrationRunner(ds, NullLogger<MigrationRunner>.Instance).MigrateAsync(CancellationToken.None)));
        Assert.Equal(MigrationRunner.All().Count, runs.Sum(r => r.Count));
    }

    [Fact]
    public async Task Schema_SearchVector_IsGeneratedFromTitleUploaderAndTags()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("tsv");
        await using var ds = NpgsqlDataSource.Create(cs);
        await using var cmd = ds.CreateCommand("""
            INSERT INTO libraries (id, name, slug, root_folder, path_template) VALUES ('00000000-0000-0000-0000-000000000001', 'L', 'l', 'l', '{title}.{ext}');
            INSERT INTO entries (id, library_id, title, uploader, tags, file_path)
                VALUES (gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'Big Buck Bunny', 'Blender', '{animation}', '/x.mp4');
            SELECT count(*) FROM entries WHERE search_vector @@ websearch_to_tsquery('simple', 'bunny animation blender');
            """);
        Assert.Equal(1L, await cmd.ExecuteScalarAsync());
    }
}

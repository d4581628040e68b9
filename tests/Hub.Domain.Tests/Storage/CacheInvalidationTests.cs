using Hub.Domain.Access;
using Hub.Domain.Entries;
using Hub.Domain.Jobs;
using Hub.Domain.Storage;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Hub.Domain.Tests.Storage;

/// <summary>
/// A revoke or delete made by another process (the CLI while `hub serve` runs) reaches this process's caches through
/// NOTIFY, not after the caches' lifetimes. Each test waits for the notification itself, so it fails without it.
/// </summary>
public sealed class CacheInvalidationTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private Task<ServiceProvider> OtherProcessAsync() => OtherHubProcess.StartAsync(db.ConnectionString, db.DataDir);

    private async Task<Task> ListenForAsync(string kind, Guid id)
    {
        var listener = db.Get<JobNotificationListener>();
        await listener.StartAsync(CancellationToken.None);
        await listener.Listening.WaitAsync(Patience);
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        db.Get<CacheInvalidation>().Invalidated += (k, i) =>
        {
            if (k == kind && i == id) heard.TrySetResult();
        };
        return heard.Task;
    }

    [Fact]
    public async Task A_RevokeInAnotherProcess_DropsTheCachedTokenHere()
    {
        var tokens = db.Get<TokenService>();
        var created = await tokens.CreateAsync("cached-" + Guid.NewGuid().ToString("N")[..6], Roles.User, CancellationToken.None);
        Assert.NotNull(await tokens.ValidateAsync(created.Secret, CancellationToken.None)); // now cached here
        var heard = await ListenForAsync(CacheInvalidation.Token, created.Token.Id);

        await using (var cli = await OtherProcessAsync())
        {
            await cli.GetRequiredService<TokenService>().RevokeAsync(created.Token.Id.ToString(), CancellationToken.None);
        }

        await heard.WaitAsync(Patience);
        Assert.Null(await tokens.ValidateAsync(created.Secret, CancellationToken.None));
    }

    [Fact]
    public async Task B_AnEntryDeletedInAnotherProcess_IsNoLongerServedHere()
    {
        var entries = db.Get<EntryService>();
        var library = Guid.CreateVersion7();
        var entryId = Guid.CreateVersion7();
        await using (var conn = new NpgsqlConnection(db.ConnectionString))
        {
            await conn.OpenAsync();
            await using var lib = new NpgsqlCommand("INSERT INTO libraries (id, name, slug, root_folder, path_template) VALUES ($1, $2, $2, $2, '{title}')", conn);
            lib.Parameters.AddWithValue(library);
            lib.Parameters.AddWithValue("lib-" + entryId.ToString("N")[..8]);
            await lib.ExecuteNonQueryAsync();
            await using var entry = new NpgsqlCommand("INSERT INTO entries (id, library_id, title, file_path) VALUES ($1, $2, 'cached', '/nonexistent/cached.mp4')", conn);
            entry.Parameters.AddWithValue(entryId);
            entry.Parameters.AddWithValue(library);
            await entry.ExecuteNonQueryAsync();
        }
        await entries.GetForServingAsync(entryId, CancellationToken.None); // now cached here
        var heard = await ListenForAsync(CacheInvalidation.Entry, entryId);

        await using (var cli = await OtherProcessAsync())
        {
            await cli.GetRequiredService<EntryService>().DeleteAsync(Requester.Local("cli:test", "test", Roles.Admin), entryId, keepFile: true, CancellationToken.None);
        }

        await heard.WaitAsync(Patience);
        await Assert.ThrowsAsync<HubNotFoundException>(() => entries.GetForServingAsync(entryId, CancellationToken.None));
    }
}

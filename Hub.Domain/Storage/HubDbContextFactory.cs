using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Storage;

/// <summary>
/// Creates contexts on the started database. The options are built on first use, not when services are constructed:
/// hosted services (workers, the bot) are constructed before the database has started.
/// </summary>
public sealed class HubDbContextFactory(HubDatabase database) : IDbContextFactory<HubDbContext>
{
    private DbContextOptions<HubDbContext>? _options;
    private Npgsql.NpgsqlDataSource? _for;

    public HubDbContext CreateDbContext()
    {
        var dataSource = database.DataSource;
        var options = _options;
        if (options is null || !ReferenceEquals(_for, dataSource))
        {
            options = new DbContextOptionsBuilder<HubDbContext>()
                .UseNpgsql(dataSource, npgsql => npgsql.CommandTimeout(60))
                .Options;
            _options = options;
            _for = dataSource;
        }
        return new HubDbContext(options);
    }
}

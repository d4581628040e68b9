using Hub.Domain.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Host.Cli;

/// <summary><c>hub db upgrade</c>: moves the private cluster to the newest installed PostgreSQL (pg_upgrade).</summary>
public static class DbCommand
{
    public static string Usage => HelpText.For("db");

    public static async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count < 2 || args.Positionals[1] != "upgrade")
        {
            throw new CliUsageException("Usage:\n" + Usage);
        }
        using var host = HubHost.BuildDomainHost(args.Passthrough);
        HubHost.SayWhereDataIs(host.Services);
        var embedded = host.Services.GetRequiredService<HubDatabase>().Embedded
            ?? throw new CliUsageException("Hub uses a configured PostgreSQL server, not a private cluster: upgrade that server with its own tools.");
        Console.WriteLine(await embedded.UpgradeAsync(cancellationToken));
        return 0;
    }
}

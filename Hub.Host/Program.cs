using Coravel;
using Coravel.Scheduling.Schedule.Interfaces;
using Hub.Bot;
using Hub.Domain;
using Hub.Domain.Maintenance;
using Hub.Domain.Scheduling;
using Hub.Domain.Storage;
using Hub.Host.Cli;
using Hub.Mcp;
using Hub.Web;

// `hub [command]`: serve is the default, so the test host and `dotnet run` both land on the web server.
var flags = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "all", "help", "wait", "dry-run", "continue-on-error", "media", "force", "no-enable" };
var command = args.Length == 0 ? "serve"
    : args[0] is "--help" or "-h" ? "help"
    : args[0] is "--version" ? "version"
    : args[0].StartsWith('-') ? "serve" : args[0].ToLowerInvariant();
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (command is not ("serve" or "worker"))
    {
        e.Cancel = true;
        cts.Cancel();
    }
};
// SIGTERM (systemd, `timeout`, `kill`) ends a command like Ctrl-C does; the hosts (serve, worker, mcp) stop through their own lifetime.
using var sigterm = command is "serve" or "worker" or "mcp" ? null : System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        cts.Cancel();
    });

try
{
    var parsed = CliArgs.Parse(args, flags);
    return command switch
    {
        "serve" => await HubHost.RunAsync(HubRole.Serve, args.Length > 0 && args[0] == "serve" ? args[1..] : args),
        "worker" => await HubHost.RunAsync(HubRole.Worker, parsed.Passthrough),
        "migrate" => await MigrateCommand.RunAsync(parsed, cts.Token),
        "import" => await ImportCommand.ImportAsync(parsed, cts.Token),
        "batch" => await ImportCommand.BatchAsync(parsed, cts.Token),
        "jobs" => await ImportCommand.JobsAsync(parsed, cts.Token),
        "token" or "tokens" => await TokenCommand.RunAsync(parsed, cts.Token),
        "mcp" => await McpCommand.RunAsync(parsed, cts.Token),
        "contacts" or "contact" => await ContactsCommand.RunAsync(parsed, cts.Token),
        "subscriptions" or "subscription" => await SubscriptionsCommand.RunAsync(parsed, cts.Token),
        "backup" => await BackupCommand.BackupAsync(parsed, cts.Token),
        "restore" => await BackupCommand.RestoreAsync(parsed, cts.Token),
        "service" => await ServiceCommand.RunAsync(parsed, cts.Token),
        "db" => await DbCommand.RunAsync(parsed, cts.Token),
        "tools" => await ToolsCommand.RunAsync(parsed, cts.Token),
        "help" => Help(),
        "version" => Version(),
        _ => throw new CliUsageException($"Unknown command '{command}'."),
    };
}
catch (CliUsageException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine("Run `hub help` for the list of commands.");
    return 64;
}
catch (DatabaseUnavailableException ex)
{
    Console.Error.WriteLine("Hub cannot reach its database: " + ex.Message);
    return 69;
}
catch (Hub.Domain.HubException ex)
{
    Console.Error.WriteLine(ex.Message);
    if (ex.Type == "blocked-address")
    {
        // The usual surprise: the setting was given to `hub serve` on its command line, which this process never saw.
        Console.Error.WriteLine("This command reads its settings from appsettings.json, environment variables (e.g. "
            + "Hub__Network__AllowPrivateNetworks=true) and its own --Hub:... options; what `hub serve` was given on its command line does not reach it.");
    }
    return 65;
}
catch (OperationCanceledException) when (cts.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}

static int Version()
{
    Console.WriteLine("hub " + (typeof(Program).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "dev"));
    return 0;
}

static int Help()
{
    Console.WriteLine($"""
        hub — a self-hosted media import hub

        Usage: hub [command] [options] [--Section:Key=value ...]

        {HelpText.All}

        Configuration comes from appsettings.json, environment variables (Hub__DataDir,
        ConnectionStrings__Hub, HUB_DATABASE, ASPNETCORE_URLS) and --Key=value
        arguments; see README.md. A relative Hub:DataDir (./data by default) belongs to
        the installation, wherever hub runs from; commands say which data folder they
        use.
        """);
    return 0;
}

/// <summary>The composition at a glance: what each kind of process runs. <see cref="HubHost"/> builds every host from it.</summary>
public partial class Program
{
    public static void AddServices(IHostApplicationBuilder builder, HubRole role)
    {
        var (services, configuration) = (builder.Services, builder.Configuration);
        services.AddHubDomain(configuration);
        if (role != HubRole.Command)
        {
            // The processes that stay up: one line on which yt-dlp they run (a warning when outdated), and their
            // start-up garbage handed back. A one-shot command (hub import, hub jobs, ...) does neither.
            services.AddHostedService<Hub.Domain.Tools.YtDlpStartupReport>();
            services.AddHostedService<Hub.Host.Hosting.StartupGarbage>();
        }
        if (RunsWorkers(role, configuration))
        {
            services.AddHubWorkers();
            services.AddScheduler();
        }
        if (role == HubRole.Serve)
        {
            services.AddHubWeb(configuration);
            services.AddHubBot(configuration);
        }
        if (role == HubRole.Serve)
        {
            services.AddHubMcpHttp(configuration);
        }
        if (role == HubRole.Mcp)
        {
            services.AddHubMcpStdio(configuration); // the SDK's stdio host stops the application when stdin closes
        }
    }

    public static void MapEndpoints(WebApplication app)
    {
        app.MapHubWeb();
        app.MapHubMcp();
        app.MapHubBot();
    }

    /// <summary>Recurring work: each firing enqueues one durable job per time slot, however many processes fire it.</summary>
    public static void Schedule(IScheduler scheduler)
    {
        scheduler.Enqueue(MaintenanceHandler.Schedule).Hourly();
        scheduler.ScheduleWithParams<Hub.Domain.Tools.ScheduledToolUpdate>().Weekly(); // enqueues only when Hub:ToolUpdates:Scheduled is on
        scheduler.Schedule<Hub.Domain.Scanning.ScheduledLibraryScan>().Hourly(); // enqueues only every Hub:Scanner:ScheduleHours (0: off)
        scheduler.Schedule<Hub.Domain.Subscriptions.ScheduledSubscriptionChecks>().EveryMinute(); // one check job per due subscription
    }

    public static bool RunsWorkers(HubRole role, IConfiguration configuration) => role switch
    {
        HubRole.Serve or HubRole.Worker => true,
        HubRole.Mcp => configuration.GetValue("Hub:Mcp:StdioWorkers", true),
        _ => false,
    };
}

using Coravel;
using Hub.Domain.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Host.Cli;

/// <summary>
/// The one place that builds a host, for every kind of process: the services, endpoints and schedule come from
/// Program's composition; what differs by role here is only the host type, logging and shutdown time.
/// </summary>
public static class HubHost
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Reads appsettings.json next to the program, so `hub` works from any folder.</summary>
    public static string ContentRoot => AppContext.BaseDirectory;

    /// <summary>
    /// What relative data paths (the default <c>./data</c>) are anchored to, so every `hub` command finds the same data
    /// wherever it is run from: the clone when the program runs from its <c>Hub.Host/bin/…</c> (what `./hub.sh run`
    /// does), else the program's own folder.
    /// </summary>
    public static string InstallDir { get; } = FindInstallDir(AppContext.BaseDirectory);

    public static string FindInstallDir(string programDir)
    {
        var dir = new DirectoryInfo(Path.TrimEndingDirectorySeparator(Path.GetFullPath(programDir)));
        var clone = dir.Parent?.Parent?.Parent?.Parent;
        return dir.Parent?.Parent?.Name == "bin" && dir.Parent.Parent.Parent?.Name == "Hub.Host" && clone is not null
            && File.Exists(Path.Combine(clone.FullName, "hub.sh"))
            ? clone.FullName
            : dir.FullName;
    }

    /// <summary>Makes relative <c>Hub:DataDir</c>, <c>Hub:MediaDir</c> and <c>Hub:TempDir</c> absolute against <see cref="InstallDir"/>, not the current folder.</summary>
    public static void AnchorDataPaths(IConfiguration configuration)
    {
        foreach (var key in new[] { "Hub:DataDir", "Hub:MediaDir", "Hub:TempDir" })
        {
            if (configuration[key] is { Length: > 0 } value && !Path.IsPathRooted(value))
            {
                configuration[key] = Path.GetFullPath(Path.Combine(InstallDir, value));
            }
        }
    }

    /// <summary>
    /// appsettings.json is read once, at start (nothing in Hub reloads options). Reloading on change, the hosts' default,
    /// puts a file watcher on the content root and every folder under it; a published install keeps its data folder
    /// (the embedded PostgreSQL's files among it) under the program's, so each write there woke the watcher: ~11% of the
    /// CPU of a busy bot in a profile. First in the arguments, so a command line can still turn it back on.
    /// </summary>
    public const string NoConfigReload = "--hostBuilder:reloadConfigOnChange=false";

    public static IHost Build(HubRole role, IEnumerable<string> args)
    {
        string[] argv = [NoConfigReload, .. args];
        var host = role == HubRole.Serve ? BuildWeb(argv) : BuildGeneric(role, argv);
        if (Program.RunsWorkers(role, host.Services.GetRequiredService<IConfiguration>()))
        {
            host.Services.UseScheduler(Program.Schedule)
                .OnError(ex => host.Services.GetRequiredService<ILogger<Program>>().LogError(ex, "A scheduled firing failed"));
        }
        return host;
    }

    private static WebApplication BuildWeb(string[] args)
    {
        var hasContentRoot = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json sits next to the program; the test host supplies its own content root.
            ContentRootPath = hasContentRoot ? null : ContentRoot,
        });
        AnchorDataPaths(builder.Configuration);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        // Streaming: up to 1 MiB of a response may wait in Kestrel's output pipe (64 KiB by default), so reading the
        // next piece of a file overlaps with the socket sending the last one instead of taking turns with it.
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxResponseBufferSize = 1 << 20);
        Program.AddServices(builder, HubRole.Serve);
        var app = builder.Build();
        Program.MapEndpoints(app);
        return app;
    }

    private static IHost BuildGeneric(HubRole role, string[] args)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = ContentRoot,
        });
        AnchorDataPaths(builder.Configuration);
        if (role is HubRole.Mcp or HubRole.Command)
        {
            // stdout carries MCP's protocol or a command's output; every log line goes to stderr.
            builder.Logging.ClearProviders();
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }
        if (role == HubRole.Command)
        {
            // Commands stay quiet unless something is wrong.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
                ["Logging:LogLevel:Hub"] = "Warning",
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(role == HubRole.Mcp ? 15 : 30));
        Program.AddServices(builder, role);
        return builder.Build();
    }

    /// <summary>Starts a host; a failed start stops what did start (the private PostgreSQL above all) before it rethrows.</summary>
    public static async Task StartAsync(IHost host, CancellationToken cancellationToken)
    {
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            await host.StopAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary><c>hub serve</c> and <c>hub worker</c>: run until SIGTERM or Ctrl+C.</summary>
    public static async Task<int> RunAsync(HubRole role, IEnumerable<string> args)
    {
        var host = Build(role, args);
        await StartAsync(host, CancellationToken.None);
        if (host is WebApplication app)
        {
            await ServeCommand.PrintStartAsync(app);
        }
        await host.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>The host of an admin command (domain services only); <see cref="WithDatabaseAsync"/> when only the database is needed.</summary>
    public static IHost BuildDomainHost(IEnumerable<string> configArgs) => Build(HubRole.Command, configArgs);

    /// <summary>One line on stderr (stdout stays the command's own): which data folder and database a command uses.</summary>
    public static void SayWhereDataIs(IServiceProvider services)
    {
        var data = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Hub.Domain.HubOptions>>().Value.FullDataDir;
        Console.Error.WriteLine($"Data folder {data}; database: {services.GetRequiredService<HubDatabase>().Describe()}");
    }

    /// <summary>Starts the database of a command host, runs the action, stops the database (if this process started it).</summary>
    public static async Task<int> WithDatabaseAsync(IEnumerable<string> configArgs, Func<IServiceProvider, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        using var host = BuildDomainHost(configArgs);
        var db = host.Services.GetRequiredService<HubDatabase>();
        SayWhereDataIs(host.Services);
        await db.StartAsync(cancellationToken);
        try
        {
            return await action(host.Services, cancellationToken);
        }
        finally
        {
            await db.StopAsync(CancellationToken.None);
        }
    }
}

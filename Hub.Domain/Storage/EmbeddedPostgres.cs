using Hub.Domain.Processes;
using Microsoft.Extensions.Logging;

namespace Hub.Domain.Storage;

/// <summary>
/// A private PostgreSQL cluster under a folder of ours: initdb on first start, then pg_ctl on a unix socket
/// (no TCP listener at all), run as the <c>postgres</c> OS user when we are root. If the cluster is already
/// running (another Hub process started it), we attach to it and leave it running when we stop, unless the process that
/// started it is gone (killed without stopping it): then we take it over. Any Hub process sharing the cluster starts it
/// again when it dies (<see cref="DatabaseSupervisor"/>).
/// </summary>
public sealed partial class EmbeddedPostgres(string rootDir, ProcessRunner runner, ILogger logger, EmbeddedPostgresSettings? settings = null)
{
    private const string ServiceUser = "postgres";
    private readonly EmbeddedPostgresSettings _settings = settings ?? new EmbeddedPostgresSettings();
    private string? _binDir;

    public string RootDir { get; } = Path.GetFullPath(rootDir);
    public string ClusterDir => Path.Combine(RootDir, "cluster");
    public string LogFile => Path.Combine(RootDir, "postgres.log");
    /// <summary>
    /// Fixed before the server starts, so the connection string is known when services are built. There is no TCP
    /// listener: the port only names the socket file in our own socket folder, so it cannot clash with another server.
    /// </summary>
    public string SocketDir { get; } = SocketDirFor(Path.GetFullPath(rootDir));
    public int Port => SocketPort;
    public const int SocketPort = 5432;
    /// <summary>The server programs this cluster runs on (and whose pg_dump and psql match it).</summary>
    public string BinDir => _binDir ??= ResolveBinDir();
    /// <summary>True when this process started the server and so must stop it.</summary>
    public bool OwnsServer { get; private set; }
    public bool IsRunning { get; private set; }

    public string ConnectionString(string database) =>
        $"Host={SocketDir};Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=50;Timeout=15;Command Timeout=60";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Stopping = false;
        PrepareFolders();
        _binDir = ResolveBinDir();

        if (!File.Exists(Path.Combine(ClusterDir, "PG_VERSION")))
        {
            logger.LogInformation("Creating a private PostgreSQL cluster in {ClusterDir}", ClusterDir);
            var initdbArgs = new List<string> { "-D", ClusterDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8" };
            if (_settings.Fast)
            {
                initdbArgs.Add("--no-sync");
            }
            await RunPgAsync("initdb", initdbArgs, TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
            await File.AppendAllTextAsync(Path.Combine(ClusterDir, "postgresql.conf"), "\ninclude_if_exists = 'hub.conf'\n", cancellationToken).ConfigureAwait(false);
        }

        if (await TryAttachAsync(cancellationToken).ConfigureAwait(false))
        {
            if (OwnerIsGone())
            {
                // Left running by a Hub process that died without stopping it (kill -9, a crash): nobody would stop it
                // or start it again if it died. This process takes it over, as if it had started it.
                OwnsServer = true;
                WriteOwner();
                logger.LogWarning("Took over the private PostgreSQL (socket {SocketDir}) left running by a Hub process that is gone; it is stopped when this process stops",
                    SocketDir);
                return;
            }
            logger.LogInformation("Attached to the running private PostgreSQL on socket {SocketDir} port {Port}", SocketDir, Port);
            return;
        }

        await WriteHubConfAsync(cancellationToken).ConfigureAwait(false);
        var start = new List<string> { "-D", ClusterDir, "-l", LogFile, "-w", "-t", "60", "start" };
        try
        {
            await RunPgAsync("pg_ctl", start, TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
        }
        catch (ProcessFailedException ex)
        {
            if (await TryAttachAsync(cancellationToken).ConfigureAwait(false))
            {
                // Another process won the race to start it; we use theirs.
                logger.LogInformation("Attached to a private PostgreSQL started concurrently by another process");
                return;
            }
            throw new DatabaseUnavailableException(
                $"The private PostgreSQL in {ClusterDir} did not start: {ex.Message}. Its log is {LogFile}.", ex);
        }
        OwnsServer = true;
        IsRunning = true;
        WriteOwner();
        logger.LogInformation("Started private PostgreSQL (socket {SocketDir}, port {Port})", SocketDir, Port);
    }

    /// <summary>
    /// Which Hub process owns the running server (started it, or took it over): "pid start-time" (the process's start in
    /// clock ticks since boot, /proc/pid/stat field 22, so a pid used again by another program does not pass for it).
    /// </summary>
    private string OwnerFile => Path.Combine(RootDir, "owner");

    private void WriteOwner()
    {
        try
        {
            var pid = Environment.ProcessId;
            File.WriteAllText(OwnerFile, $"{pid} {ProcessStartTicks(pid)}\n");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not record this process as the private PostgreSQL's owner in {File}: {Error}", OwnerFile, ex.Message);
        }
    }

    /// <summary>
    /// True when the owner file names a process that no longer runs. No file (a server started by a Hub without this
    /// record, or by hand) is not taken over: its starter may well be alive.
    /// </summary>
    internal bool OwnerIsGone()
    {
        string[] parts;
        try
        {
            parts = File.ReadAllText(OwnerFile).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        if (parts.Length < 2 || !int.TryParse(parts[0], out var pid) || !long.TryParse(parts[1], out var started))
        {
            return false;
        }
        return !IsProcessAlive(pid) || ProcessStartTicks(pid) != started;
    }

    private static long ProcessStartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.TryParse(fields[19], out var ticks) ? ticks : -1; // field 22; the split starts at field 3
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>
    /// Starts the server again after it stopped or died, on the same socket and port, so every connection string
    /// handed out stays valid. Used by <see cref="DatabaseSupervisor"/>.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        _binDir ??= ResolveBinDir();
        try
        {
            await RunPgAsync("pg_ctl", ["-D", ClusterDir, "-l", LogFile, "-w", "-t", "60", "start"], TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
        }
        catch (ProcessFailedException)
        {
            // pg_ctl counts a dead postmaster not yet reaped (a zombie) as running: only a live one is another's start.
            if (!IsPostmasterAlive() || !await TryAttachAsync(cancellationToken).ConfigureAwait(false))
            {
                throw;
            }
            // Another Hub process sharing the cluster started it first: that one owns it now.
            OwnsServer = false;
            logger.LogInformation("The private PostgreSQL was started again by another Hub process; attached to it");
            return;
        }
        OwnsServer = true;
        IsRunning = true;
        WriteOwner();
        logger.LogInformation("Restarted private PostgreSQL (socket {SocketDir}, port {Port})", SocketDir, Port);
    }

    /// <summary>True from the moment a clean stop begins: a server going away then is not a crash.</summary>
    public bool Stopping { get; private set; }

    /// <summary>
    /// Whether the postmaster named in postmaster.pid is alive (not gone, not a zombie). Cheap: two small files
    /// under /proc, no process started.
    /// </summary>
    public bool IsPostmasterAlive()
    {
        try
        {
            var first = File.ReadLines(Path.Combine(ClusterDir, "postmaster.pid")).FirstOrDefault();
            if (!int.TryParse(first, out var pid))
            {
                return false;
            }
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 1)..].TrimStart();
            return state.Length > 0 && state[0] is not ('Z' or 'X');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // no pid file, or no such process
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Stopping = true;
        if (!OwnsServer || !IsRunning)
        {
            return;
        }
        logger.LogInformation("Stopping private PostgreSQL");
        var postmaster = ReadPostmasterPid();
        try
        {
            await RunPgAsync("pg_ctl", ["-D", ClusterDir, "-m", "fast", "-w", "-t", "60", "stop"], TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
        }
        catch (ProcessFailedException ex) when (ex.Result.Stderr.Contains("Is server running?", StringComparison.OrdinalIgnoreCase)
            || ex.Result.Stderr.Contains("No such process", StringComparison.OrdinalIgnoreCase))
        {
            // Already gone (stopped, or died and not restarted yet).
        }
        // pg_ctl returns once postmaster.pid is gone; the postmaster removes it a moment before it exits.
        for (var i = 0; i < 50 && postmaster is { } pid && IsProcessAlive(pid); i++)
        {
            await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
        }
        IsRunning = false;
        OwnsServer = false;
        try
        {
            File.Delete(OwnerFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private int? ReadPostmasterPid()
    {
        try
        {
            return int.TryParse(File.ReadLines(Path.Combine(ClusterDir, "postmaster.pid")).FirstOrDefault(), out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsProcessAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 1)..].TrimStart();
            return state.Length > 0 && state[0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Whether a server is running on this cluster, read from postmaster.pid and confirmed by pg_ctl.</summary>
    private async Task<bool> TryAttachAsync(CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(ClusterDir, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return false;
        }
        var status = await RunPgRawAsync("pg_ctl", ["-D", ClusterDir, "status"], TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        if (!status.Succeeded)
        {
            return false;
        }
        // postmaster.pid: pid, data dir, start time, port, socket dir, listen address, shmem key, status.
        string[] lines;
        try
        {
            lines = await File.ReadAllLinesAsync(pidFile, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return false;
        }
        if (lines.Length < 5 || !int.TryParse(lines[3], out var port) || string.IsNullOrWhiteSpace(lines[4]))
        {
            return false;
        }
        if (port != Port || lines[4].Trim() != SocketDir)
        {
            throw new DatabaseUnavailableException(
                $"The private PostgreSQL in {ClusterDir} runs on socket {lines[4].Trim()} port {port}, set up by an older Hub. " +
                $"Stop it (pg_ctl -D {ClusterDir} stop, or stop that Hub) and start again.");
        }
        IsRunning = true;
        OwnsServer = false;
        return true;
    }

    /// <summary>The server programs for this cluster: configured, else those of its PG_VERSION, else the newest installed.</summary>
    private string ResolveBinDir()
    {
        if (!string.IsNullOrWhiteSpace(_settings.BinDir))
        {
            return FindBinDir(_settings.BinDir);
        }
        var version = EmbeddedPostgresLayout.ClusterVersion(ClusterDir);
        var bin = EmbeddedPostgresLayout.BinDirFor(version, _settings.VersionsRoot) ?? FindBinDir(null);
        var newest = EmbeddedPostgresLayout.Installed(_settings.VersionsRoot).FirstOrDefault();
        if (version is { } v && newest.Version > v)
        {
            logger.LogWarning("The private PostgreSQL cluster is version {Version}; PostgreSQL {Newest} is installed too. It keeps running on {Version} " +
                "(its binaries match PG_VERSION); `hub db upgrade` moves it to {Newest} (see README).", v, newest.Version, v, newest.Version);
        }
        return bin;
    }

    private void PrepareFolders()
    {
        // Folders made here for the cluster (such as /var/lib/hub) must be traversable by the server's user whatever the umask.
        var missing = new Stack<string>();
        for (var d = Path.GetDirectoryName(RootDir); d is not null && !Directory.Exists(d); d = Path.GetDirectoryName(d))
        {
            missing.Push(d);
        }
        foreach (var d in missing)
        {
            Directory.CreateDirectory(d);
            File.SetUnixFileMode(d, (UnixFileMode)0b111_101_101); // rwxr-xr-x
        }
        Directory.CreateDirectory(RootDir);
        Directory.CreateDirectory(SocketDir);
        if (IsRoot)
        {
            ChownToServiceUser(RootDir);
            ChownToServiceUser(SocketDir);
            EnsureTraversable(RootDir);
        }
        File.SetUnixFileMode(SocketDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private async Task WriteHubConfAsync(CancellationToken cancellationToken)
    {
        var socket = SocketDir.Replace("'", "''", StringComparison.Ordinal);
        var lines = new List<string>
        {
            "# Written by Hub at every start of its private cluster.",
            $"port = {Port}",
            "listen_addresses = ''",
            $"unix_socket_directories = '{socket}'",
            "unix_socket_permissions = 0700",
            "max_connections = 200",
        };
        if (_settings.Fast)
        {
            // Not synchronous_commit = off: that loses the last commits when PostgreSQL itself crashes or is stopped
            // with -m immediate, which the outage tests do on purpose. Without fsync a commit costs a write() anyway.
            lines.AddRange(["fsync = off", "full_page_writes = off"]);
        }
        var path = Path.Combine(ClusterDir, "hub.conf");
        await File.WriteAllLinesAsync(path, lines, cancellationToken).ConfigureAwait(false);
        if (IsRoot)
        {
            ChownToServiceUser(path);
        }
    }

    private async Task RunPgAsync(string tool, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = await RunPgRawAsync(tool, args, timeout, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new ProcessFailedException(tool, result);
        }
    }

    private Task<ProcessResult> RunPgRawAsync(string tool, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsServerUserAsync(Path.Combine(_binDir!, tool), args, timeout, cancellationToken);

    private Task<ProcessResult> RunAsServerUserAsync(string exe, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ProcessSpec spec = IsRoot
            ? new ProcessSpec(RunUserPath, ["-u", ServiceUser, "--", exe, .. args])
            : new ProcessSpec(exe, args);
        // pg_ctl start leaves the server attached to inherited pipes; the server writes to its log file instead.
        return runner.RunAsync(spec with { Timeout = timeout, WorkingDirectory = RootDir, Environment = new Dictionary<string, string?> { ["LC_ALL"] = "C.UTF-8" } }, cancellationToken);
    }

    public static bool IsRoot => Environment.UserName == "root" || (OperatingSystem.IsLinux() && GetEuid() == 0);

    private static uint GetEuid()
    {
        try
        {
            return geteuid();
        }
        catch (DllNotFoundException)
        {
            return uint.MaxValue;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = false)]
    private static extern uint geteuid();

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int chown(string path, int owner, int group);

    private static string RunUserPath => File.Exists("/usr/sbin/runuser") ? "/usr/sbin/runuser" : "runuser";

    private static void ChownToServiceUser(string path)
    {
        var (uid, gid) = ServiceUserIds();
        if (chown(path, uid, gid) != 0)
        {
            throw new DatabaseUnavailableException($"Could not give {path} to the '{ServiceUser}' OS user (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}).");
        }
        if (Directory.Exists(path))
        {
            foreach (var child in Directory.EnumerateFileSystemEntries(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
            {
                _ = chown(child, uid, gid);
            }
        }
    }

    private static (int Uid, int Gid) ServiceUserIds()
    {
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var parts = line.Split(':');
            if (parts.Length > 3 && parts[0] == ServiceUser)
            {
                return (int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        throw new DatabaseUnavailableException(
            "Hub runs as root, so its private PostgreSQL must run as the 'postgres' OS user, and there is none. Install it with: apt-get install postgresql");
    }

    /// <summary>The server user must be able to walk down to its folder; a 0700 parent owned by root stops it.</summary>
    private static void EnsureTraversable(string dir)
    {
        for (var d = Directory.GetParent(dir); d is not null; d = d.Parent)
        {
            var mode = File.GetUnixFileMode(d.FullName);
            if ((mode & UnixFileMode.OtherExecute) == 0)
            {
                throw new DatabaseUnavailableException(
                    $"The folder {d.FullName} is not traversable by the 'postgres' OS user, so the private PostgreSQL cannot use {dir}. " +
                    "Set Hub:DataDir or Hub:Database:ClusterRoot to a folder outside it, or run: chmod o+x " + d.FullName);
            }
        }
    }

    public static string FindBinDir(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(Path.Combine(configured, "pg_ctl")) ? configured
                : throw new DatabaseUnavailableException($"Hub:Database:PostgresBinDir is {configured}, but there is no pg_ctl in it.");
        }
        if (EmbeddedPostgresLayout.BinDirFor(null, EmbeddedPostgresLayout.DebianVersionsRoot) is { } newest)
        {
            return newest;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "postgres")))
            {
                return dir;
            }
        }
        throw new DatabaseUnavailableException(
            "No connection string is configured (ConnectionStrings:Hub or HUB_DATABASE) and the PostgreSQL server programs " +
            "(initdb, pg_ctl) were not found to run a private database. Install them with: apt-get install postgresql");
    }

    private static string SocketDirFor(string rootDir)
    {
        // A unix socket path is limited to 107 bytes; deep data folders get a short socket folder in /tmp.
        var socketDir = Path.Combine(rootDir, "run");
        if (socketDir.Length + "/.s.PGSQL.65535".Length > 100)
        {
            var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(rootDir)))[..12].ToLowerInvariant();
            socketDir = Path.Combine(Path.GetTempPath(), "hub-pg-" + hash);
        }
        return socketDir;
    }
}

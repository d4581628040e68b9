using System.Diagnostics;
using System.Text;
using Hub.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Host.Cli;

/// <summary>
/// <c>hub service install|uninstall</c>: a systemd unit that runs <c>hub serve</c> at boot with this installation, this
/// data folder and the configuration given on the command line (<c>--urls=…</c>, <c>--Hub:PublicUrl=…</c>), so Hub comes
/// back after a reboot and picks up interrupted downloads.
/// </summary>
public static class ServiceCommand
{
    public static string Usage => HelpText.For("service");

    public const string DefaultUnitDir = "/etc/systemd/system";

    public static async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var sub = args.Positionals.Count > 1 ? args.Positionals[1] : null;
        var name = args.Option("name") ?? "hub";
        var unitDir = args.Option("unit-dir") ?? DefaultUnitDir;
        var unitFile = Path.Combine(unitDir, name + ".service");
        var systemctl = args.Option("systemctl") ?? "systemctl";
        switch (sub)
        {
            case "install":
                string dataDir;
                using (var host = HubHost.BuildDomainHost(args.Passthrough))
                {
                    dataDir = host.Services.GetRequiredService<IOptions<HubOptions>>().Value.FullDataDir;
                }
                Directory.CreateDirectory(unitDir);
                await File.WriteAllTextAsync(unitFile, Unit(dataDir, args.Passthrough), cancellationToken);
                Console.WriteLine($"Wrote {unitFile} (data folder {dataDir}).");
                if (args.Flag("no-enable"))
                {
                    Console.WriteLine($"Enable it with: systemctl daemon-reload && systemctl enable --now {name}");
                    return 0;
                }
                await SystemctlAsync(systemctl, cancellationToken, "daemon-reload");
                await SystemctlAsync(systemctl, cancellationToken, "enable", "--now", name + ".service");
                Console.WriteLine($"Enabled and started {name}: it starts at boot. Logs: journalctl -u {name} -f");
                return 0;
            case "uninstall":
                if (!args.Flag("no-enable"))
                {
                    await SystemctlAsync(systemctl, cancellationToken, "disable", "--now", name + ".service");
                }
                File.Delete(unitFile);
                if (!args.Flag("no-enable"))
                {
                    await SystemctlAsync(systemctl, cancellationToken, "daemon-reload");
                }
                Console.WriteLine($"Removed {unitFile}. The data folder is left as it is.");
                return 0;
            default:
                throw new CliUsageException("Usage:\n" + Usage);
        }
    }

    /// <summary>The unit: the same program and data folder as this command, whatever folder systemd starts it from.</summary>
    public static string Unit(string dataDir, IEnumerable<string> configArgs)
    {
        var program = Environment.ProcessPath ?? "dotnet";
        var hubDll = Path.Combine(AppContext.BaseDirectory, "hub.dll");
        var exec = new List<string>();
        if (Path.GetFileNameWithoutExtension(program) == "dotnet")
        {
            exec.AddRange([program, hubDll]);
        }
        else
        {
            exec.Add(program);
        }
        exec.Add("serve");
        exec.Add("--Hub:DataDir=" + dataDir);
        exec.AddRange(configArgs.Where(a => !a.StartsWith("--Hub:DataDir=", StringComparison.OrdinalIgnoreCase)));
        var user = Environment.UserName;
        var text = new StringBuilder();
        text.AppendLine("# Written by `hub service install`; remove with `hub service uninstall`.");
        text.AppendLine("[Unit]");
        text.AppendLine("Description=Hub, a self-hosted media import hub");
        text.AppendLine("After=network-online.target");
        text.AppendLine("Wants=network-online.target");
        text.AppendLine();
        text.AppendLine("[Service]");
        text.AppendLine("Type=simple");
        if (user != "root")
        {
            text.AppendLine("User=" + user);
        }
        text.AppendLine("WorkingDirectory=" + HubHost.InstallDir);
        text.AppendLine("Environment=DOTNET_ENVIRONMENT=Production");
        text.AppendLine("ExecStart=" + string.Join(' ', exec.Select(Quote)));
        text.AppendLine("Restart=on-failure");
        text.AppendLine("RestartSec=5");
        text.AppendLine("KillSignal=SIGTERM");
        text.AppendLine("TimeoutStopSec=45");
        text.AppendLine();
        text.AppendLine("[Install]");
        text.AppendLine("WantedBy=multi-user.target");
        return text.ToString();
    }

    /// <summary>systemd's quoting: double quotes around words with spaces, backslash before quotes and backslashes; % doubled.</summary>
    private static string Quote(string word)
    {
        var escaped = word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("%", "%%", StringComparison.Ordinal);
        return escaped.Any(char.IsWhiteSpace) || escaped.Contains('\\') ? "\"" + escaped + "\"" : escaped;
    }

    private static async Task SystemctlAsync(string systemctl, CancellationToken cancellationToken, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(systemctl, args) { UseShellExecute = false })
            ?? throw new CliUsageException($"Could not run {systemctl}.");
        await p.WaitForExitAsync(cancellationToken);
        if (p.ExitCode != 0)
        {
            throw new CliUsageException($"`{systemctl} {string.Join(' ', args)}` failed (exit {p.ExitCode}).");
        }
    }
}

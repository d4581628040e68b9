using System.Text;

namespace Hub.Host.Cli;

/// <summary>
/// Every command's synopsis and one-line description, in one table: `hub help` prints it aligned (a long synopsis
/// gets its own line, the description then starts in the same column below it, all within 80 columns), and each command's usage error
/// prints its own rows.
/// </summary>
public static class HelpText
{
    private const int Column = 26;
    private const int Width = 80;

    private static readonly (string Synopsis, string Description)[] Commands =
    [
        ("serve (default)", "Run the web API and admin, the bot, MCP over HTTP and the workers."),
        ("worker", "Run queued jobs only (more workers for one database)."),
        ("migrate", "Apply database migrations and exit."),
        ("mcp", "MCP over stdio for Claude Desktop and other local MCP clients (MCP_SETUP.md)."),
        ("import URL [--library L] [--format F] [--mode auto|review] [--wait]", "Import a URL or magnet link; --wait follows it to the end."),
        ("batch FILE [--dry-run] [--continue-on-error] [--library L] [--format F]", "Import the URLs of a file, one per line (# comments); --dry-run checks them first."),
        ("jobs [--state S] [--limit N] [--all]", "List imports, newest activity first (--all: Hub's own jobs too)."),
        ("token create --name NAME [--role admin|user]", "Create a token; prints its secret once, alone on the last line."),
        ("token list [--all]", "List live tokens (--all: revoked ones too)."),
        ("token revoke ID|NAME", "Revoke a token (not the last admin one)."),
        ("contacts list [--status pending|allowed|blocked]", "List Telegram contacts."),
        ("contacts add --id N [--role admin|user]", "Allow a Telegram user id (e.g. the first admin)."),
        ("contacts allow|block|delete ID", "Allow, block or delete a contact."),
        ("subscriptions list", "List subscriptions: last and next check, items found and imported, errors."),
        ("subscriptions add URL [--library L] [--format F] [--interval MIN]",
            "Follow a channel, playlist or feed: --start now (default: only items that appear from now on), last:N or date:YYYY-MM-DD; --mode auto|review; --max N per check; "
            + "--media-server-files on|off|default (.nfo and poster beside its videos; default: Hub's setting)."),
        ("subscriptions check ID|--all", "Check now and print what was found (the server's workers run the imports)."),
        ("subscriptions remove ID", "Stop following; what was imported stays."),
        ("backup FILE [--media]", "Back up the database, signing key, settings and a media manifest (--media: the files too)."),
        ("restore FILE [--force]", "Restore a backup onto a fresh data folder (--force: replace what is there)."),
        ("service install [--name hub] [--unit-dir DIR] [--no-enable] [--urls=URL]", "Write a systemd unit for `hub serve` (with the --urls and --Section:Key=value given) and enable it: starts now and at boot."),
        ("service uninstall [--name hub] [--unit-dir DIR]", "Stop, disable and remove that unit."),
        ("db upgrade", "Move the private PostgreSQL to the newest installed version (pg_upgrade); stop Hub first."),
        ("tools status", "Which yt-dlp Hub runs: version, age, source, JavaScript runtime (exit 2 when outdated)."),
        ("tools update [--channel stable|nightly|VERSION]", "Install the current yt-dlp release (signature and checksum verified)."),
        ("tools rollback", "Go back to the previous yt-dlp build."),
        ("version", "Print Hub's version."),
        ("help", "This list."),
    ];

    /// <summary>The rows of the commands starting with <paramref name="command"/>, as a usage message.</summary>
    public static string For(string command) => Format(Commands.Where(c => c.Synopsis == command || c.Synopsis.StartsWith(command + " ", StringComparison.Ordinal)));

    public static string All => Format(Commands);

    private static string Format(IEnumerable<(string Synopsis, string Description)> rows)
    {
        var text = new StringBuilder();
        foreach (var (synopsis, description) in rows)
        {
            var left = "  hub " + synopsis;
            if (left.Length + 2 > Column)
            {
                text.AppendLine(left);
                left = "";
            }
            foreach (var line in Wrap(description, Width - Column))
            {
                text.Append(left.PadRight(Column)).AppendLine(line);
                left = "";
            }
        }
        return text.ToString().TrimEnd();
    }

    /// <summary>Words into lines of at most <paramref name="width"/> characters.</summary>
    public static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            line.Append(line.Length > 0 ? " " : "").Append(word);
        }
        yield return line.ToString();
    }
}

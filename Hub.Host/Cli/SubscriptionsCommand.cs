using System.Globalization;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Subscriptions;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Host.Cli;

/// <summary>
/// <c>hub subscriptions list|add|check|remove</c>: follow channels, playlists and feeds from a shell. The person at the
/// console acts as an admin (as with <c>hub import</c>); <c>check</c> runs the check here and now and prints what it
/// found, and the imports it starts are run by the server's workers.
/// </summary>
public static class SubscriptionsCommand
{
    public static string Usage => HelpText.For("subscriptions");

    private static Requester Console_ => Requester.Local("cli:" + Environment.UserName, Environment.UserName, Roles.Admin);

    public static Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var sub = args.Positionals.Count > 1 ? args.Positionals[1] : null;
        return sub switch
        {
            "list" => HubHost.WithDatabaseAsync(args.Passthrough, (s, ct) => ListAsync(s, ct), cancellationToken),
            "add" => HubHost.WithDatabaseAsync(args.Passthrough, (s, ct) => AddAsync(s, args, ct), cancellationToken),
            "check" => HubHost.WithDatabaseAsync(args.Passthrough, (s, ct) => CheckAsync(s, args, ct), cancellationToken),
            "remove" => HubHost.WithDatabaseAsync(args.Passthrough, (s, ct) => RemoveAsync(s, args, ct), cancellationToken),
            _ => throw new CliUsageException("Usage:\n" + Usage),
        };
    }

    private static async Task<int> ListAsync(IServiceProvider services, CancellationToken ct)
    {
        var list = await services.GetRequiredService<SubscriptionService>().ListAsync(Console_, ct);
        if (list.Count == 0)
        {
            Console.WriteLine("No subscriptions.");
            return 0;
        }
        Console.WriteLine($"{"ID",-36}  {"NAME",-28}  {"EVERY",-6}  {"FOUND",5}  {"IMPORTED",8}  {"NEXT CHECK",-16}  STATUS");
        foreach (var s in list)
        {
            var status = s.Paused ? "paused" : s.LastError is { } e ? $"failing ({s.ConsecutiveFailures}x): {e}" : s.LastCheckAt is null ? "not checked yet" : "ok";
            Console.WriteLine($"{s.Id,-36}  {Trim(s.Name, 28),-28}  {s.IntervalMinutes + "m",-6}  {s.ItemsFound,5}  {s.ItemsImported,8}  "
                + $"{s.NextCheckAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),-16}  {status}");
        }
        return 0;
    }

    private static async Task<int> AddAsync(IServiceProvider services, CliArgs args, CancellationToken ct)
    {
        var url = args.Positionals.Count > 2 ? args.Positionals[2] : throw new CliUsageException("Usage:\n" + Usage);
        var created = await services.GetRequiredService<SubscriptionService>().CreateAsync(Console_, Doors.Cli, new SubscriptionInput
        {
            Url = url,
            Name = args.Option("name"),
            Library = args.Option("library"),
            Format = args.Option("format"),
            Mode = args.Option("mode"),
            IntervalMinutes = Int(args, "interval"),
            MaxPerCheck = Int(args, "max"),
            Start = Start(args.Option("start")),
            MediaServerFiles = args.Option("media-server-files"),
        }, ct);
        Console.WriteLine($"Following {created.Url} every {created.IntervalMinutes} minutes ({created.Id}).");
        Console.WriteLine(created.StartFrom == SubscriptionStart.Now
            ? "The first check remembers what is there now; only later items are imported."
            : "The first check imports from where you asked it to start.");
        return 0;
    }

    private static async Task<int> CheckAsync(IServiceProvider services, CliArgs args, CancellationToken ct)
    {
        var subscriptions = services.GetRequiredService<SubscriptionService>();
        var ids = args.Flag("all")
            ? (await subscriptions.ListAsync(Console_, ct)).Select(s => s.Id).ToList()
            : [Id(args.Positionals.Count > 2 ? args.Positionals[2] : throw new CliUsageException("Usage:\n" + Usage))];
        var failed = 0;
        foreach (var id in ids)
        {
            var sub = await subscriptions.GetAsync(Console_, id, ct);
            var outcome = await services.GetRequiredService<SubscriptionChecker>().CheckAsync(id, null, ct);
            Console.WriteLine($"{Trim(sub.Name, 40)}: {outcome.Summary}");
            failed += outcome.Error is null ? 0 : 1;
        }
        return failed == 0 ? 0 : 1;
    }

    private static async Task<int> RemoveAsync(IServiceProvider services, CliArgs args, CancellationToken ct)
    {
        var id = Id(args.Positionals.Count > 2 ? args.Positionals[2] : throw new CliUsageException("Usage:\n" + Usage));
        await services.GetRequiredService<SubscriptionService>().DeleteAsync(Console_, id, ct);
        Console.WriteLine($"Subscription {id} removed; what it imported stays in the library.");
        return 0;
    }

    /// <summary><c>now</c>, <c>last:N</c> or <c>date:YYYY-MM-DD</c>.</summary>
    private static StartInput? Start(string? text)
    {
        if (text is null) return null;
        var (from, value) = text.Split(':', 2) is [var f, var v] ? (f, v) : (text, null);
        return from switch
        {
            SubscriptionStart.Last => new StartInput(from, Count: int.TryParse(value, CultureInfo.InvariantCulture, out var n) ? n : null),
            SubscriptionStart.Date => new StartInput(from, Date: DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d
                : throw new CliUsageException($"'{value}' is not a date (YYYY-MM-DD).")),
            _ => new StartInput(from),
        };
    }

    private static int? Int(CliArgs args, string name) => args.Option(name) is not { } text ? null
        : int.TryParse(text, CultureInfo.InvariantCulture, out var n) ? n : throw new CliUsageException($"--{name} takes a number.");

    private static Guid Id(string text) => Guid.TryParse(text, out var id) ? id : throw new CliUsageException($"'{text}' is not a subscription id.");

    private static string Trim(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}

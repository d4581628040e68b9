using System.Globalization;
using Hub.Domain.Access;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Host.Cli;

/// <summary><c>hub contacts list|add|allow|block|delete</c>: who may use the Telegram bot, and as what.</summary>
public static class ContactsCommand
{
    public static string Usage => HelpText.For("contacts");

    public static Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var sub = args.Positionals.Count > 1 ? args.Positionals[1] : null;
        return sub switch
        {
            "list" => HubHost.WithDatabaseAsync(args.Passthrough, (s, ct) => ListAsync(s, args, ct), cancellationToken),
            "add" => HubHost.WithDatabaseAsync(args.Passthrough, (s, ct) => AddAsync(s, args, ct), cancellationToken),
            "allow" or "block" or "delete" => HubHost.WithDatabaseAsync(args.Passthrough, (s, ct) => ChangeAsync(s, sub, args, ct), cancellationToken),
            _ => throw new CliUsageException("Usage:\n" + Usage),
        };
    }

    private static async Task<int> ListAsync(IServiceProvider services, CliArgs args, CancellationToken ct)
    {
        var contacts = await services.GetRequiredService<ContactService>().ListAsync(args.Option("status"), ct);
        if (contacts.Count == 0)
        {
            Console.WriteLine("No contacts.");
            return 0;
        }
        Console.WriteLine($"{"TELEGRAM ID",-14}  {"NAME",-30}  {"ROLE",-5}  {"STATUS",-7}  LAST SEEN");
        foreach (var c in contacts)
        {
            Console.WriteLine($"{c.TelegramId,-14}  {Trim(c.DisplayName, 30),-30}  {c.Role,-5}  {c.Status,-7}  {(c.LastSeenAt is { } s ? s.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "never")}");
        }
        return 0;
    }

    private static async Task<int> AddAsync(IServiceProvider services, CliArgs args, CancellationToken ct)
    {
        var id = ParseId(args.Required("id"));
        var contact = await services.GetRequiredService<ContactService>().AddAsync(id, args.Option("role") ?? Roles.User, ContactStatuses.Allowed, ct);
        Console.WriteLine($"Contact {contact.TelegramId} is an allowed {contact.Role}.");
        return 0;
    }

    private static async Task<int> ChangeAsync(IServiceProvider services, string action, CliArgs args, CancellationToken ct)
    {
        var id = ParseId(args.Positionals.Count > 2 ? args.Positionals[2] : args.Option("id") ?? throw new CliUsageException($"Usage: hub contacts {action} ID"));
        var contacts = services.GetRequiredService<ContactService>();
        switch (action)
        {
            case "allow":
                await contacts.AllowAsync(id, ct);
                Console.WriteLine($"Contact {id} is allowed.");
                break;
            case "block":
                // Blocking ends what they started, from every door alike (ContactBlocking).
                var stopped = await services.GetRequiredService<ContactBlocking>().BlockAsync(id, ct);
                Console.WriteLine(stopped.Count == 0 ? $"Contact {id} is blocked." : $"Contact {id} is blocked; {stopped.Count} of their imports were cancelled.");
                break;
            default:
                await contacts.DeleteAsync(id, ct);
                Console.WriteLine($"Contact {id} deleted.");
                break;
        }
        return 0;
    }

    private static long ParseId(string text) => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && id > 0 ? id
        : throw new CliUsageException($"'{text}' is not a Telegram user id (a positive number).");

    private static string Trim(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}

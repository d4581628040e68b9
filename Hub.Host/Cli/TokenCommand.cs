using Hub.Domain.Access;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Host.Cli;

/// <summary><c>hub token create|list|revoke</c>: API tokens for the REST API, the extension and MCP.</summary>
public static class TokenCommand
{
    public static string Usage => HelpText.For("token");

    public static Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var sub = args.Positionals.Count > 1 ? args.Positionals[1] : null;
        return sub switch
        {
            "create" => HubHost.WithDatabaseAsync(args.Passthrough, (s, ct) => CreateAsync(s, args, ct), cancellationToken),
            "list" => HubHost.WithDatabaseAsync(args.Passthrough, (s, ct) => ListAsync(s, args, ct), cancellationToken),
            "revoke" => HubHost.WithDatabaseAsync(args.Passthrough, (s, ct) => RevokeAsync(s, args, ct), cancellationToken),
            _ => throw new CliUsageException("Usage:\n" + Usage),
        };
    }

    private static async Task<int> CreateAsync(IServiceProvider services, CliArgs args, CancellationToken ct)
    {
        var name = args.Required("name");
        var role = args.Option("role") ?? Roles.User;
        var created = await services.GetRequiredService<TokenService>().CreateAsync(name, role, ct);
        Console.WriteLine($"Created {created.Token.Role} token '{created.Token.Name}' (id {created.Token.Id}). Its secret is shown this once:");
        Console.WriteLine(created.Secret);
        return 0;
    }

    private static async Task<int> ListAsync(IServiceProvider services, CliArgs args, CancellationToken ct)
    {
        var tokens = await services.GetRequiredService<TokenService>().ListAsync(args.Flag("all"), ct);
        if (tokens.Count == 0)
        {
            Console.WriteLine("No tokens.");
            return 0;
        }
        Console.WriteLine($"{"ID",-36}  {"NAME",-20}  {"ROLE",-5}  {"PREFIX",-12}  {"CREATED",-16}  {"LAST USED",-16}  STATUS");
        foreach (var t in tokens)
        {
            Console.WriteLine($"{t.Id,-36}  {Trim(t.Name, 20),-20}  {t.Role,-5}  {t.Prefix + "…",-12}  {t.CreatedAt:yyyy-MM-dd HH:mm}  {(t.LastUsedAt is { } u ? u.ToString("yyyy-MM-dd HH:mm") : "never"),-16}  {(t.RevokedAt is null ? "live" : "revoked")}");
        }
        return 0;
    }

    private static async Task<int> RevokeAsync(IServiceProvider services, CliArgs args, CancellationToken ct)
    {
        var which = args.Positionals.Count > 2 ? args.Positionals[2] : args.Option("id") ?? args.Option("name")
            ?? throw new CliUsageException("Usage: hub token revoke ID|NAME");
        var token = await services.GetRequiredService<TokenService>().RevokeAsync(which, ct);
        Console.WriteLine($"Revoked token '{token.Name}' ({token.Id}).");
        return 0;
    }

    private static string Trim(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}

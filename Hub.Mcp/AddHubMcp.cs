using Hub.Domain.Access;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Mcp;

public static class HubMcpServiceCollectionExtensions
{
    /// <summary>MCP tools, resources and prompts over Hub's domain services (which <c>AddHubDomain</c> registers).</summary>
    public static IServiceCollection AddHubMcp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<McpOptions>().Bind(configuration.GetSection(McpOptions.Section))
            .Validate(o => Roles.IsValid(o.StdioRole), "Hub:Mcp:StdioRole must be 'admin' or 'user'.")
            .Validate(o => o.AllowedOrigins.All(a => a != "*" && Uri.TryCreate(a, UriKind.Absolute, out _)),
                "Hub:Mcp:AllowedOrigins must list exact origins such as https://example.org ('*' is refused).")
            .Validate(o => o.MaxRequestBytes > 0, "Hub:Mcp:MaxRequestBytes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<McpCatalog>();
        return services;
    }
}

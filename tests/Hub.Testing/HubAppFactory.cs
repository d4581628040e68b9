using System.Net.Http.Headers;
using Hub.Domain.Access;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Hub.Testing;

/// <summary>
/// The real Hub web app (Program) on a fresh database of the shared test cluster. Use as a class fixture.
/// </summary>
public class HubAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "hub-test-app-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Extra configuration (Section:Key → value) for the app under test.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync(GetType().Name);
        Directory.CreateDirectory(DataDir);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Hub", ConnectionString);
        builder.UseSetting("Hub:DataDir", DataDir);
        builder.UseSetting("Hub:ToolUpdates:Scheduled", "false"); // never reach for the release server from a test
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public async Task<string> CreateTokenAsync(string role, string? name = null) =>
        (await Get<TokenService>().CreateAsync(name ?? role + "-" + Guid.NewGuid().ToString("N")[..6], role, CancellationToken.None)).Secret;

    /// <summary>An HttpClient carrying a fresh token of this role.</summary>
    public async Task<HttpClient> CreateClientAsync(string role)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CreateTokenAsync(role));
        return client;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await TestPostgres.DropDatabaseAsync(ConnectionString);
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

using System.Net.Http.Headers;
using Hub.Domain.Access;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Hub.Testing;

/// <summary>
/// The real Hub web app on a <see cref="PrivateCluster"/> configured as an external server, so a test can take the
/// database away (and bring it back) under a running app. Use as a class fixture.
/// </summary>
public class PrivateClusterAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public PrivateCluster Cluster { get; private set; } = null!;
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "hub-test-app-" + Guid.NewGuid().ToString("N")[..12]);

    public async Task InitializeAsync()
    {
        Cluster = await PrivateCluster.StartAsync();
        Directory.CreateDirectory(DataDir);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Hub", Cluster.ConnectionString);
        builder.UseSetting("Hub:DataDir", DataDir);
        builder.UseSetting("Hub:Database:SuperviseInterval", "00:00:00.5");
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public async Task<string> CreateTokenAsync(string role) =>
        (await Get<TokenService>().CreateAsync(role + "-" + Guid.NewGuid().ToString("N")[..6], role, CancellationToken.None)).Secret;

    public HttpClient CreateClient(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Cluster.DisposeAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

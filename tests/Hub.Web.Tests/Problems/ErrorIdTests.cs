using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Hub.Domain.Access;
using Hub.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Hub.Web.Tests.Problems;

/// <summary>The app with every log entry captured.</summary>
public sealed class LogCaptureAppFactory : HubAppFactory
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message, Exception? Exception)> Entries { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(new CaptureProvider(Entries)));
    }

    private sealed class CaptureProvider(ConcurrentQueue<(LogLevel, string, string, Exception?)> entries) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capture(categoryName, entries);
        public void Dispose() { }
    }

    private sealed class Capture(string category, ConcurrentQueue<(LogLevel, string, string, Exception?)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((logLevel, category, formatter(state, exception), exception));
    }
}

public sealed class ErrorIdTests(LogCaptureAppFactory app) : IClassFixture<LogCaptureAppFactory>
{
    [Fact]
    public async Task UnexpectedError_AnswersAnErrorId_LoggedOnceWithRouteAndCaller_NeverTheSecret()
    {
        var created = await app.Get<TokenService>().CreateAsync("probe-" + Guid.NewGuid().ToString("N")[..6], "user", CancellationToken.None);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Secret);
        // A real fault the code does not expect: a column the query needs is gone.
        await using (var conn = new NpgsqlConnection(app.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("ALTER TABLE playlists RENAME COLUMN description TO description_gone", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        var response = await client.GetAsync("/api/v1/playlists");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 500, body);
        var errorId = JsonDocument.Parse(body).RootElement.GetProperty("errorId").GetString();
        Assert.False(string.IsNullOrEmpty(errorId));
        Assert.Contains(errorId!, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
        Assert.DoesNotContain("description_gone", body); // no internals in the reply

        var errors = app.Entries.Where(e => e.Level >= LogLevel.Error && e.Exception is not null).ToList();
        var line = Assert.Single(errors, e => e.Message.Contains(errorId!, StringComparison.Ordinal));
        Assert.Single(errors); // logged exactly once, not again by the framework
        Assert.Contains("/api/v1/playlists", line.Message);
        Assert.Contains(created.Token.Id.ToString(), line.Message);
        Assert.Contains(created.Token.Name, line.Message);
        Assert.IsType<PostgresException>(line.Exception);
        Assert.DoesNotContain(app.Entries, e => e.Message.Contains(created.Secret, StringComparison.Ordinal));
        // And the System page lists it under that id, for an admin.
        var admin = await app.CreateClientAsync("admin");
        var system = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/system")).RootElement;
        var listed = Assert.Single(system.GetProperty("recentErrors").EnumerateArray(), e => e.GetProperty("errorId").GetString() == errorId);
        Assert.Equal(("GET", "PostgresException"), (listed.GetProperty("method").GetString(), listed.GetProperty("kind").GetString()));
        Assert.Contains("/api/v1/playlists", listed.GetProperty("route").GetString(), StringComparison.Ordinal);
    }
}

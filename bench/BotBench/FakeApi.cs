using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

/// <summary>A minimal Bot API on 127.0.0.1: serves a scripted update stream through getUpdates, answers sends, records send times per chat.</summary>
sealed class FakeApi : IAsyncDisposable
{
    public const string Token = "999:bench-token";
    private readonly WebApplication _app;
    private readonly List<JsonObject> _updates = [];
    private readonly object _gate = new();
    private long _messageId;

    public ConcurrentQueue<(long Chat, DateTimeOffset At)> Sends { get; } = new();
    public string BaseUrl { get; }

    private FakeApi(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<FakeApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeApi? api = null;
        app.Run(async ctx =>
        {
            try
            {
                await api!.HandleAsync(ctx);
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine("fake API: " + ex);
                throw;
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        api = new FakeApi(app, address.TrimEnd('/'));
        return api;
    }

    public void Push(IEnumerable<JsonObject> updates)
    {
        lock (_gate)
        {
            _updates.AddRange(updates);
        }
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var method = ctx.Request.Path.Value!.Split('/').Last();
        // Telegram.Bot sends parameterless methods (getMe) with no body at all.
        var body = ctx.Request.ContentLength is 0 or null && !ctx.Request.Headers.ContentType.Any() ? [] : await JsonNode.ParseAsync(ctx.Request.Body) as JsonObject ?? [];
        JsonNode? result = true;
        switch (method)
        {
            case "getMe":
                result = new JsonObject { ["id"] = 999, ["is_bot"] = true, ["first_name"] = "Bench", ["username"] = "bench_bot" };
                break;
            case "getUpdates":
                var offset = body["offset"]?.GetValue<long>() ?? 0;
                var timeout = body["timeout"]?.GetValue<int>() ?? 0;
                var until = DateTime.UtcNow.AddSeconds(timeout);
                JsonArray batch;
                while (true)
                {
                    lock (_gate)
                    {
                        batch = [.. _updates.Where(u => u["update_id"]!.GetValue<long>() >= offset).Take(100).Select(u => u.DeepClone())];
                    }
                    if (batch.Count > 0 || DateTime.UtcNow >= until)
                    {
                        break;
                    }
                    await Task.Delay(20);
                }
                result = batch;
                break;
            case "sendMessage" or "editMessageText":
                var chat = body["chat_id"]!.GetValue<long>();
                Sends.Enqueue((chat, DateTimeOffset.UtcNow));
                result = new JsonObject
                {
                    ["message_id"] = Interlocked.Increment(ref _messageId),
                    ["chat"] = new JsonObject { ["id"] = chat, ["type"] = "private" },
                    ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                };
                break;
        }
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(new JsonObject { ["ok"] = true, ["result"] = result }.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

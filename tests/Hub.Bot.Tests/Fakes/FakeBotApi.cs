using Hub.Testing;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Bot.Tests.Fakes;

/// <summary>One Bot API call the bot made, as the fake server saw it.</summary>
public sealed record ApiCall(string Method, JsonObject Params, DateTimeOffset At, long? ResultMessageId, long? UploadedBytes)
{
    public long? ChatId => Params["chat_id"] is { } c ? long.Parse(c.ToString(), System.Globalization.CultureInfo.InvariantCulture) : null;
    public long? MessageId => Params["message_id"] is { } m ? long.Parse(m.ToString(), System.Globalization.CultureInfo.InvariantCulture) : null;
    /// <summary>The text as the person reads it: for HTML messages without tags and with entities decoded.</summary>
    public string? Text => IsHtml && Html is { } h ? System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(h, "<[^>]+>", "")) : Html;

    /// <summary>The text exactly as sent (Telegram HTML when <see cref="IsHtml"/>).</summary>
    public string? Html => Params["text"]?.ToString() ?? Params["caption"]?.ToString();

    public bool IsHtml => string.Equals(Params["parse_mode"]?.ToString(), "HTML", StringComparison.OrdinalIgnoreCase);

    /// <summary>The links behind words of an HTML message (href values, decoded).</summary>
    public IReadOnlyList<string> Links => IsHtml && Html is { } h
        ? [.. System.Text.RegularExpressions.Regex.Matches(h, "<a href=\"([^\"]*)\">").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))]
        : [];

    /// <summary>Every inline button of this call's reply_markup: (text, callback_data or url).</summary>
    public IReadOnlyList<(string Text, string? Data)> Buttons
    {
        get
        {
            var markup = Params["reply_markup"];
            if (markup is JsonValue v && v.TryGetValue<string>(out var s))
            {
                markup = JsonNode.Parse(s);
            }
            return markup?["inline_keyboard"] is JsonArray rows
                ? [.. rows.OfType<JsonArray>().SelectMany(r => r.OfType<JsonObject>()).Select(b => (b["text"]!.ToString(), b["callback_data"]?.ToString() ?? b["url"]?.ToString()))]
                : [];
        }
    }
}

/// <summary>
/// A scripted Telegram Bot API on 127.0.0.1: it serves updates the test pushes (long polling), answers sends with
/// message ids, serves files, can fail chosen calls (429 with retry_after, errors), and records every call.
/// </summary>
public sealed class FakeBotApi : IAsyncDisposable
{
    public const string Token = "123456789:AAFakeTokenForTestsOnly-x1y2z3";
    public const long BotId = 123456789;

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly List<JsonObject> _updates = [];
    private readonly ConcurrentDictionary<string, (string Path, long Size)> _files = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Status, string Body)>> _failures = new();
    private readonly SemaphoreSlim _newUpdate = new(0);
    private long _nextUpdateId = 1000;
    private long _nextMessageId = 1;

    public ConcurrentQueue<ApiCall> Calls { get; } = new();
    public Uri BaseUri { get; }
    public string BaseUrl => BaseUri.AbsoluteUri.TrimEnd('/');

    private FakeBotApi(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public static async Task<FakeBotApi> StartAsync()
    {
        FakeBotApi? fake = null;
        var (app, baseUri) = await LoopbackHost.StartAsync(ctx => fake!.HandleAsync(ctx));
        fake = new FakeBotApi(app, baseUri);
        return fake;
    }

    // ---- scripting ----

    public long PushUpdate(JsonObject update)
    {
        long id;
        lock (_gate)
        {
            id = update["update_id"]?.GetValue<long>() ?? ++_nextUpdateId;
            _nextUpdateId = Math.Max(_nextUpdateId, id); // later updates come after a scripted id, as Telegram's do
            update["update_id"] = id;
            _updates.Add(update);
        }
        _newUpdate.Release(100);
        return id;
    }

    public static JsonObject User(long id, string first = "Test", string? username = null) =>
        new() { ["id"] = id, ["is_bot"] = false, ["first_name"] = first, ["username"] = username ?? $"user{id}" };

    /// <summary>A private text message; a leading /command gets its bot_command entity, links their url entities.</summary>
    public static JsonObject TextUpdate(long userId, string text, string first = "Test")
    {
        var entities = new JsonArray();
        if (text.StartsWith('/'))
        {
            var end = text.IndexOf(' ', StringComparison.Ordinal);
            entities.Add(new JsonObject { ["type"] = "bot_command", ["offset"] = 0, ["length"] = end < 0 ? text.Length : end });
        }
        var pos = 0;
        foreach (var word in text.Split(' '))
        {
            if (word.StartsWith("http", StringComparison.Ordinal))
            {
                entities.Add(new JsonObject { ["type"] = "url", ["offset"] = pos, ["length"] = word.Length });
            }
            pos += word.Length + 1;
        }
        return new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["message_id"] = Random.Shared.Next(1, 1_000_000),
                ["from"] = User(userId, first),
                ["chat"] = new JsonObject { ["id"] = userId, ["type"] = "private", ["first_name"] = first },
                ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["text"] = text,
                ["entities"] = entities,
            },
        };
    }

    /// <summary>The same message posted in a group chat (negative id), optionally as a reply to one of the bot's messages.</summary>
    public static JsonObject InGroup(JsonObject update, long groupId, long? replyToBotMessage = null)
    {
        var message = update["message"]!.AsObject();
        message["chat"] = new JsonObject { ["id"] = groupId, ["type"] = "supergroup", ["title"] = "Friends" };
        if (replyToBotMessage is { } id)
        {
            message["reply_to_message"] = new JsonObject
            {
                ["message_id"] = id, ["from"] = new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = "Hub", ["username"] = "hub_test_bot" },
                ["chat"] = new JsonObject { ["id"] = groupId, ["type"] = "supergroup" }, ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["text"] = "earlier",
            };
        }
        return update;
    }

    /// <summary>A text with an @mention entity for every "@name" word.</summary>
    public static JsonObject WithMentions(JsonObject update)
    {
        var message = update["message"]!.AsObject();
        var text = message["text"]!.GetValue<string>();
        var entities = message["entities"]!.AsArray();
        var pos = 0;
        foreach (var word in text.Split(' '))
        {
            if (word.StartsWith('@'))
            {
                entities.Add(new JsonObject { ["type"] = "mention", ["offset"] = pos, ["length"] = word.Length });
            }
            pos += word.Length + 1;
        }
        return update;
    }

    public static JsonObject CallbackUpdate(long userId, long messageId, string data) => new()
    {
        ["callback_query"] = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString("N")[..12],
            ["from"] = User(userId),
            ["message"] = new JsonObject
            {
                ["message_id"] = messageId,
                ["chat"] = new JsonObject { ["id"] = userId, ["type"] = "private" },
                ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["text"] = "menu",
            },
            ["chat_instance"] = "1",
            ["data"] = data,
        },
    };

    /// <summary>"@hub_test_bot words" typed in some chat.</summary>
    public static JsonObject InlineQueryUpdate(long userId, string query) => new()
    {
        ["inline_query"] = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString("N")[..12],
            ["from"] = User(userId),
            ["query"] = query,
            ["offset"] = "",
        },
    };

    /// <summary>A file message: kind is video, audio or document.</summary>
    public static JsonObject FileUpdate(long userId, string kind, string fileId, long size, string fileName) => new()
    {
        ["message"] = new JsonObject
        {
            ["message_id"] = Random.Shared.Next(1, 1_000_000),
            ["from"] = User(userId),
            ["chat"] = new JsonObject { ["id"] = userId, ["type"] = "private" },
            ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            [kind] = new JsonObject
            {
                ["file_id"] = fileId, ["file_unique_id"] = fileId + "u", ["file_size"] = size, ["file_name"] = fileName,
                ["mime_type"] = kind == "video" ? "video/mp4" : "application/octet-stream", ["duration"] = 5, ["width"] = 320, ["height"] = 240,
            },
        },
    };

    /// <summary>Makes getFile know this file id; its bytes are served from <paramref name="path"/>.</summary>
    public void AddFile(string fileId, string path, long? reportedSize = null) => _files[fileId] = (path, reportedSize ?? new FileInfo(path).Length);

    /// <summary>The next call of <paramref name="method"/> answers this instead (once per call).</summary>
    public void FailNext(string method, int status, string body) =>
        _failures.GetOrAdd(method, _ => new ConcurrentQueue<(int, string)>()).Enqueue((status, body));

    public void RateLimitNext(string method, int retryAfterSeconds) => FailNext(method, 429,
        "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after " + retryAfterSeconds
        + "\",\"parameters\":{\"retry_after\":" + retryAfterSeconds + "}}");

    // ---- inspection ----

    public IReadOnlyList<ApiCall> CallsOf(string method) => [.. Calls.Where(c => c.Method == method)];

    public async Task<ApiCall> WaitForAsync(Func<ApiCall, bool> match, string what, int timeoutSeconds = 60)
    {
        var until = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < until)
        {
            if (Calls.FirstOrDefault(match) is { } call)
            {
                return call;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"No call matched: {what}. Calls: {string.Join(" | ", Calls.Select(c => $"{c.Method} {c.ChatId} {c.Text}"))}");
    }

    /// <summary>Waits until <paramref name="count"/> calls match (messages that go out through separate chats' queues).</summary>
    public async Task WaitForCountAsync(Func<ApiCall, bool> match, int count, string what, int timeoutSeconds = 60)
    {
        var until = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (Calls.Count(match) < count)
        {
            if (DateTime.UtcNow >= until)
            {
                throw new TimeoutException($"{Calls.Count(match)} of {count} calls matched: {what}. Calls: {string.Join(" | ", Calls.Select(c => $"{c.Method} {c.ChatId} {c.Text}"))}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Waits for a message (sent or edited) to <paramref name="chatId"/> whose text contains <paramref name="text"/>.</summary>
    public Task<ApiCall> WaitForTextAsync(long chatId, string text, int timeoutSeconds = 60) =>
        WaitForAsync(c => c.Method is "sendMessage" or "editMessageText" && c.ChatId == chatId && c.Text?.Contains(text, StringComparison.Ordinal) == true,
            $"a message to {chatId} containing '{text}'", timeoutSeconds);

    /// <summary>The id of the message a call created or edited.</summary>
    public static long MessageIdOf(ApiCall call) => call.ResultMessageId ?? call.MessageId ?? throw new InvalidOperationException("no message id");

    // ---- the server ----

    private async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "";
        if (path.StartsWith("/file/bot", StringComparison.Ordinal))
        {
            await ServeFileAsync(ctx, path);
            return;
        }
        var prefix = "/bot" + Token + "/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            await WriteAsync(ctx, 401, """{"ok":false,"error_code":401,"description":"Unauthorized"}""");
            return;
        }
        var method = path[prefix.Length..];
        var (parameters, uploaded) = await ReadParamsAsync(ctx.Request);
        if (_failures.TryGetValue(method, out var failures) && failures.TryDequeue(out var failure))
        {
            Calls.Enqueue(new ApiCall(method, parameters, DateTimeOffset.UtcNow, null, uploaded));
            await WriteAsync(ctx, failure.Status, failure.Body);
            return;
        }
        var at = DateTimeOffset.UtcNow;
        JsonNode? result;
        long? messageId = null;
        switch (method)
        {
            case "getMe":
                result = new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = "Hub", ["username"] = "hub_test_bot" };
                break;
            case "getUpdates":
                result = await GetUpdatesAsync(parameters, ctx.RequestAborted);
                break;
            case "sendMessage" or "sendVideo" or "sendAudio" or "sendDocument":
                messageId = Interlocked.Increment(ref _nextMessageId);
                result = new JsonObject
                {
                    ["message_id"] = messageId,
                    ["from"] = User(BotId, "Hub", "hub_test_bot"),
                    ["chat"] = new JsonObject { ["id"] = JsonNode.Parse(parameters["chat_id"]!.ToJsonString()), ["type"] = "private" },
                    ["date"] = at.ToUnixTimeSeconds(),
                    ["text"] = parameters["text"]?.ToString(),
                };
                break;
            case "getFile":
                var fileId = parameters["file_id"]?.ToString() ?? "";
                if (!_files.TryGetValue(fileId, out var file))
                {
                    Calls.Enqueue(new ApiCall(method, parameters, at, null, null));
                    await WriteAsync(ctx, 400, """{"ok":false,"error_code":400,"description":"Bad Request: invalid file_id"}""");
                    return;
                }
                if (file.Size > 20 * 1024 * 1024)
                {
                    Calls.Enqueue(new ApiCall(method, parameters, at, null, null));
                    await WriteAsync(ctx, 400, """{"ok":false,"error_code":400,"description":"Bad Request: file is too big"}""");
                    return;
                }
                result = new JsonObject { ["file_id"] = fileId, ["file_unique_id"] = fileId + "u", ["file_size"] = file.Size, ["file_path"] = "documents/" + fileId + Path.GetExtension(file.Path) };
                break;
            case "editMessageText" or "editMessageReplyMarkup":
                result = new JsonObject { ["message_id"] = JsonNode.Parse(parameters["message_id"]!.ToJsonString()), ["chat"] = new JsonObject { ["id"] = 1, ["type"] = "private" }, ["date"] = at.ToUnixTimeSeconds() };
                break;
            default:
                result = true;
                break;
        }
        Calls.Enqueue(new ApiCall(method, parameters, at, messageId, uploaded));
        await WriteAsync(ctx, 200, new JsonObject { ["ok"] = true, ["result"] = result }.ToJsonString());
    }

    private async Task<JsonNode> GetUpdatesAsync(JsonObject parameters, CancellationToken aborted)
    {
        var offset = parameters["offset"] is { } o ? long.Parse(o.ToString(), System.Globalization.CultureInfo.InvariantCulture) : 0;
        var timeout = parameters["timeout"] is { } t ? int.Parse(t.ToString(), System.Globalization.CultureInfo.InvariantCulture) : 0;
        var until = DateTime.UtcNow.AddSeconds(timeout);
        while (true)
        {
            lock (_gate)
            {
                var ready = _updates.Where(u => u["update_id"]!.GetValue<long>() >= offset).OrderBy(u => u["update_id"]!.GetValue<long>()).Take(100).ToList();
                if (ready.Count > 0 || DateTime.UtcNow >= until)
                {
                    return new JsonArray([.. ready.Select(u => u.DeepClone())]);
                }
            }
            try
            {
                await _newUpdate.WaitAsync(TimeSpan.FromMilliseconds(200), aborted);
            }
            catch (OperationCanceledException)
            {
                return new JsonArray();
            }
        }
    }

    private async Task ServeFileAsync(HttpContext ctx, string path)
    {
        var prefix = "/file/bot" + Token + "/documents/";
        var name = path.StartsWith(prefix, StringComparison.Ordinal) ? Path.GetFileNameWithoutExtension(path[prefix.Length..]) : null;
        Calls.Enqueue(new ApiCall("file", new JsonObject { ["path"] = path.Replace(Token, "<token>", StringComparison.Ordinal) }, DateTimeOffset.UtcNow, null, null));
        if (name is null || !_files.TryGetValue(name, out var file))
        {
            ctx.Response.StatusCode = 404;
            return;
        }
        await Results.File(file.Path, "application/octet-stream").ExecuteAsync(ctx);
    }

    private static async Task<(JsonObject, long?)> ReadParamsAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            var obj = new JsonObject();
            foreach (var (k, v) in form)
            {
                obj[k] = v.ToString();
            }
            // Uploaded parts by field name (video, audio, thumbnail …) with their sizes, so tests see what was attached.
            // A field may name its part ("video": "attach://0"), as Telegram.Bot writes them.
            foreach (var f in form.Files)
            {
                obj["file:" + f.Name] = f.Length;
                foreach (var (k, v) in form.Where(kv => kv.Value.ToString() == "attach://" + f.Name))
                {
                    obj["file:" + k] = f.Length;
                }
            }
            return (obj, form.Files.Count > 0 ? form.Files.Sum(f => f.Length) : null);
        }
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var parsed = string.IsNullOrWhiteSpace(body) ? new JsonObject() : JsonNode.Parse(body) as JsonObject ?? new JsonObject();
        foreach (var (k, v) in request.Query)
        {
            parsed[k] = v.ToString();
        }
        return (parsed, null);
    }

    private static async Task WriteAsync(HttpContext ctx, int status, string body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Domain.Imports;

namespace Hub.Domain.Engines.Torrent;

/// <summary>
/// aria2's JSON-RPC (https://aria2.github.io/manual/en/html/aria2c.html#rpc-interface), the few calls Hub needs.
/// Hand-written because no .NET client is served here and the protocol is a single POST per call; aria2 answers every
/// number as a string, which <see cref="Aria2Status"/> parses.
/// </summary>
public sealed class Aria2Rpc(HttpClient http, Uri endpoint, string secret)
{
    private long _id;

    public Uri Endpoint => endpoint;

    public Task<string> AddUriAsync(string uri, IReadOnlyDictionary<string, string> options, CancellationToken ct) =>
        CallAsync<string>("aria2.addUri", [new JsonArray(uri), Options(options)], ct);

    public Task<string> AddTorrentAsync(byte[] torrent, IReadOnlyDictionary<string, string> options, CancellationToken ct) =>
        CallAsync<string>("aria2.addTorrent", [Convert.ToBase64String(torrent), new JsonArray(), Options(options)], ct);

    public async Task<Aria2Status> TellStatusAsync(string gid, CancellationToken ct) =>
        Aria2Status.From(await CallAsync<JsonObject>("aria2.tellStatus", [gid], ct).ConfigureAwait(false));

    /// <summary>Every download aria2 knows: active, waiting and stopped (up to 1,000 of each).</summary>
    public async Task<IReadOnlyList<Aria2Status>> TellAllAsync(CancellationToken ct)
    {
        var all = new List<Aria2Status>();
        all.AddRange((await CallAsync<JsonArray>("aria2.tellActive", [], ct).ConfigureAwait(false)).OfType<JsonObject>().Select(Aria2Status.From));
        foreach (var method in new[] { "aria2.tellWaiting", "aria2.tellStopped" })
        {
            all.AddRange((await CallAsync<JsonArray>(method, [0, 1000], ct).ConfigureAwait(false)).OfType<JsonObject>().Select(Aria2Status.From));
        }
        return all;
    }

    public async Task<IReadOnlyList<Aria2File>> GetFilesAsync(string gid, CancellationToken ct)
    {
        var files = await CallAsync<JsonArray>("aria2.getFiles", [gid], ct).ConfigureAwait(false);
        return [.. files.OfType<JsonObject>().Select(Aria2File.From)];
    }

    public async Task<IReadOnlyList<Aria2Peer>> GetPeersAsync(string gid, CancellationToken ct)
    {
        var peers = await CallAsync<JsonArray>("aria2.getPeers", [gid], ct).ConfigureAwait(false);
        return [.. peers.OfType<JsonObject>().Select(p => new Aria2Peer(
            (string?)p["seeder"] == "true", Aria2Status.Long(p["downloadSpeed"]), Aria2Status.Long(p["uploadSpeed"])))];
    }

    public Task ChangeOptionAsync(string gid, IReadOnlyDictionary<string, string> options, CancellationToken ct) =>
        CallAsync<string>("aria2.changeOption", [gid, Options(options)], ct);

    public Task UnpauseAsync(string gid, CancellationToken ct) => CallAsync<string>("aria2.unpause", [gid], ct);

    public Task ForceRemoveAsync(string gid, CancellationToken ct) => CallAsync<string>("aria2.forceRemove", [gid], ct);

    public Task RemoveDownloadResultAsync(string gid, CancellationToken ct) => CallAsync<string>("aria2.removeDownloadResult", [gid], ct);

    public async Task<string> GetVersionAsync(CancellationToken ct) =>
        (string?)(await CallAsync<JsonObject>("aria2.getVersion", [], ct).ConfigureAwait(false))["version"] ?? "?";

    private static JsonObject Options(IReadOnlyDictionary<string, string> options)
    {
        var o = new JsonObject();
        foreach (var (k, v) in options) o[k] = v;
        return o;
    }

    private async Task<T> CallAsync<T>(string method, JsonNode?[] parameters, CancellationToken ct) where T : class
    {
        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = Interlocked.Increment(ref _id).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["method"] = method,
            ["params"] = new JsonArray([JsonValue.Create("token:" + secret), .. parameters]),
        };
        HttpResponseMessage response;
        try
        {
            // A sized body: aria2's RPC server does not read chunked requests (it answers "Parse error").
            using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            response = await http.PostAsync(endpoint, content, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new Aria2UnavailableException($"aria2 does not answer at {endpoint}: {ex.Message}", ex);
        }
        using (response)
        {
            var reply = await response.Content.ReadFromJsonAsync<JsonObject>(ct).ConfigureAwait(false)
                ?? throw new Aria2UnavailableException($"aria2 gave an empty answer to {method}.");
            if (reply["error"] is JsonObject error)
            {
                throw new Aria2Exception((int?)error["code"] ?? 0, (string?)error["message"] ?? "unknown error");
            }
            return (typeof(T) == typeof(string) ? reply["result"]?.ToString() as T : reply["result"] as T)
                ?? throw new Aria2Exception(0, $"aria2 answered {method} without a result.");
        }
    }
}

/// <summary>An error aria2 returned (code 1 is a wrong secret, "GID … is not found" a download it does not know).</summary>
public sealed class Aria2Exception(int code, string message) : Exception($"aria2: {message}")
{
    public int Code { get; } = code;
    public string Aria2Message { get; } = message;
    public bool NotFound => Aria2Message.Contains("not found", StringComparison.OrdinalIgnoreCase);
}

/// <summary>aria2 is not running or not reachable: transient, the job is retried once the daemon is back.</summary>
public sealed class Aria2UnavailableException(string message, Exception? inner = null) : Exception(message, inner);

public sealed record Aria2Peer(bool Seeder, long DownloadSpeed, long UploadSpeed);

public sealed record Aria2File(int Index, string Path, long Length, long CompletedLength, bool Selected)
{
    public static Aria2File From(JsonObject o) => new(
        (int)Aria2Status.Long(o["index"]), (string?)o["path"] ?? "", Aria2Status.Long(o["length"]), Aria2Status.Long(o["completedLength"]),
        (string?)o["selected"] != "false");
}

/// <param name="Status">active, waiting, paused, error, complete, removed.</param>
public sealed record Aria2Status(
    string Gid, string Status, long TotalLength, long CompletedLength, long UploadLength, long DownloadSpeed, long UploadSpeed,
    int Connections, int Seeders, string? InfoHash, string? Name, IReadOnlyList<string> FollowedBy, string? ErrorCode, string? ErrorMessage,
    bool Seeding, IReadOnlyList<string> Trackers, string? Dir)
{
    public static Aria2Status From(JsonObject o)
    {
        var bt = o["bittorrent"] as JsonObject;
        var trackers = (bt?["announceList"] as JsonArray)?.OfType<JsonArray>().SelectMany(tier => tier.Select(t => (string?)t)).OfType<string>().ToList() ?? [];
        return new Aria2Status(
            (string?)o["gid"] ?? "", (string?)o["status"] ?? "", Long(o["totalLength"]), Long(o["completedLength"]), Long(o["uploadLength"]),
            Long(o["downloadSpeed"]), Long(o["uploadSpeed"]), (int)Long(o["connections"]), (int)Long(o["numSeeders"]),
            (string?)o["infoHash"], (string?)(bt?["info"] as JsonObject)?["name"],
            (o["followedBy"] as JsonArray)?.Select(g => (string?)g).OfType<string>().ToList() ?? [],
            (string?)o["errorCode"], (string?)o["errorMessage"], (string?)o["seeder"] == "true", trackers, (string?)o["dir"]);
    }

    /// <summary>aria2 sends numbers as strings.</summary>
    internal static long Long(JsonNode? node)
    {
        if (node is not JsonValue v) return 0;
        if (v.TryGetValue<string>(out var text)) return long.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
        return v.TryGetValue<long>(out var l) ? l : 0;
    }
}

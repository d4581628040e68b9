using System.Text.Json;

namespace Hub.Web.Tests.Jobs;

public sealed record SseEvent(string? Name, string? Id, string Data)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement;
}

/// <summary>Reads a text/event-stream line by line, as a browser's EventSource would.</summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseClient(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public List<string> Comments { get; } = [];
    public string? Retry { get; private set; }
    public HttpResponseMessage Response => _response;

    public static async Task<SseClient> OpenAsync(HttpClient client, string path, CancellationToken ct)
    {
        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        return new SseClient(response, new StreamReader(await response.Content.ReadAsStreamAsync(ct)));
    }

    /// <summary>The next event, or null when the server closed the stream.</summary>
    public async Task<SseEvent?> NextAsync(CancellationToken ct)
    {
        string? name = null, id = null;
        var data = new List<string>();
        while (await _reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    return new SseEvent(name, id, string.Join('\n', data));
                }
                continue;
            }
            if (line.StartsWith(':')) Comments.Add(line[1..].Trim());
            else if (line.StartsWith("event:")) name = line[6..].Trim();
            else if (line.StartsWith("id:")) id = line[3..].Trim();
            else if (line.StartsWith("data:")) data.Add(line[5..].TrimStart());
            else if (line.StartsWith("retry:")) Retry = line[6..].Trim();
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        await Task.CompletedTask;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Web.Tests.Entries;
using Npgsql;

namespace Hub.Web.Tests.Streaming;

/// <summary>Stream events are written after the response by a background writer; the tests poll for them.</summary>
public sealed class StreamAnalyticsTests(StreamFixture fx) : IClassFixture<StreamFixture>
{
    private sealed record Row(string Kind, int Status, string? Range, long Expected, long Sent, bool Completed, string? Token, string? UserAgent);

    private async Task<Row> WaitForEventAsync(string userAgent)
    {
        var until = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < until)
        {
            await using var conn = new NpgsqlConnection(fx.App.ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "SELECT kind, status, range_requested, bytes_expected, bytes_sent, completed, token, user_agent FROM stream_events WHERE user_agent = $1", conn);
            cmd.Parameters.AddWithValue(userAgent);
            await using var r = await cmd.ExecuteReaderAsync();
            if (await r.ReadAsync())
            {
                return new Row(r.GetString(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetBoolean(5),
                    r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7));
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"No stream event for {userAgent}.");
    }

    private static HttpRequestMessage Get(string url, string agent, string? range = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("User-Agent", agent);
        if (range is not null) request.Headers.TryAddWithoutValidation("Range", range);
        return request;
    }

    [Fact]
    public async Task PartialRead_IsRecordedWithItsBytes()
    {
        var agent = "partial-" + Guid.NewGuid();
        var response = await fx.User.SendAsync(Get($"/api/v1/entries/{fx.Small}/stream", agent, "bytes=100-349"));
        Assert.Equal(250, (await response.Content.ReadAsByteArrayAsync()).Length);
        var me = await fx.User.GetFromJsonAsync<JsonElement>("/api/v1/me");

        var row = await WaitForEventAsync(agent);

        Assert.Equal(new Row("stream", 206, "bytes=100-349", 250, 250, true, me.GetProperty("tokenId").GetString(), agent), row);
    }

    [Fact]
    public async Task AbortedRead_IsRecordedAsAbortedWithWhatWasSent()
    {
        var agent = "aborted-" + Guid.NewGuid();
        const int size = 8 * 1024 * 1024;
        var response = await fx.User.SendAsync(Get($"/api/v1/entries/{fx.Big}/download", agent), HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        var read = 0;
        while (read < 100_000) read += await stream.ReadAsync(buffer);
        response.Dispose(); // the client goes away after about 100 KB

        var row = await WaitForEventAsync(agent);

        Assert.Equal("download", row.Kind);
        Assert.Equal(size, row.Expected);
        Assert.False(row.Completed);
        Assert.InRange(row.Sent, read, size / 2);
    }

    [Fact]
    public async Task SignedAndWholeReads_AreRecordedAsCompleted()
    {
        var link = await (await fx.User.PostAsJsonAsync($"/api/v1/entries/{fx.Small}/links", new { })).Content.ReadFromJsonAsync<JsonElement>();
        var agent = "signed-" + Guid.NewGuid();
        var response = await fx.App.CreateClient().SendAsync(Get(new Uri(link.GetProperty("url").GetString()!).PathAndQuery, agent));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(new Row("stream", 200, null, 1000, 1000, true, "signed", agent), await WaitForEventAsync(agent));
    }
}

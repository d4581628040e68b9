using System.Net;
using System.Net.Http.Headers;

namespace Hub.Web.Tests.Streaming;

/// <summary>
/// RFC 9110 range serving of /entries/{id}/stream, case by case: status, Content-Range, Content-Length and the exact
/// bytes. Files: small = 1000 bytes, empty = 0, one = 1, sparse = 4.5 GiB with a known tail.
/// Placeholders in header values: {etag} (the current ETag), {date} (Last-Modified), {old} (a date before it).
/// </summary>
public sealed class RangeMatrixTests(StreamFixture fx) : IClassFixture<StreamFixture>
{
    public sealed record Case(string File, string Method, string? Range, int Status, string? ContentRange, long Start, long Length,
        (string Name, string Value)[]? Headers = null);

    private const long S = StreamFixture.SparseSize;

    public static readonly Dictionary<string, Case> Cases = new()
    {
        ["HEAD whole"] = new("small", "HEAD", null, 200, null, 0, 1000),
        ["HEAD with range"] = new("small", "HEAD", "bytes=0-9", 206, "bytes 0-9/1000", 0, 10),
        ["GET without Range"] = new("small", "GET", null, 200, null, 0, 1000),
        ["bytes=0-"] = new("small", "GET", "bytes=0-", 206, "bytes 0-999/1000", 0, 1000),
        ["bytes=0-0"] = new("small", "GET", "bytes=0-0", 206, "bytes 0-0/1000", 0, 1),
        ["mid range"] = new("small", "GET", "bytes=100-199", 206, "bytes 100-199/1000", 100, 100),
        ["single middle byte"] = new("small", "GET", "bytes=500-500", 206, "bytes 500-500/1000", 500, 1),
        ["last two bytes"] = new("small", "GET", "bytes=998-999", 206, "bytes 998-999/1000", 998, 2),
        ["open range"] = new("small", "GET", "bytes=900-", 206, "bytes 900-999/1000", 900, 100),
        ["open range at last byte"] = new("small", "GET", "bytes=999-", 206, "bytes 999-999/1000", 999, 1),
        ["suffix"] = new("small", "GET", "bytes=-100", 206, "bytes 900-999/1000", 900, 100),
        ["suffix of one"] = new("small", "GET", "bytes=-1", 206, "bytes 999-999/1000", 999, 1),
        ["suffix equal to the file"] = new("small", "GET", "bytes=-1000", 206, "bytes 0-999/1000", 0, 1000),
        ["suffix longer than the file"] = new("small", "GET", "bytes=-5000", 206, "bytes 0-999/1000", 0, 1000),
        ["last-pos past the end"] = new("small", "GET", "bytes=990-5000", 206, "bytes 990-999/1000", 990, 10),
        ["first-pos at the end"] = new("small", "GET", "bytes=1000-", 416, "bytes */1000", 0, 0),
        ["first-pos past the end"] = new("small", "GET", "bytes=1500-2000", 416, "bytes */1000", 0, 0),
        ["bytes=-0"] = new("small", "GET", "bytes=-0", 416, "bytes */1000", 0, 0),
        ["other unit"] = new("small", "GET", "items=0-1", 200, null, 0, 1000),
        ["not numbers"] = new("small", "GET", "bytes=a-b", 200, null, 0, 1000),
        ["last before first"] = new("small", "GET", "bytes=5-1", 200, null, 0, 1000),
        ["missing equals sign"] = new("small", "GET", "bytes 0-1", 200, null, 0, 1000),
        ["empty range set"] = new("small", "GET", "bytes=", 200, null, 0, 1000),
        ["multiple ranges: whole file"] = new("small", "GET", "bytes=0-1,5-6", 200, null, 0, 1000),
        ["If-Range with the ETag"] = new("small", "GET", "bytes=10-19", 206, "bytes 10-19/1000", 10, 10, [("If-Range", "{etag}")]),
        ["If-Range with another ETag"] = new("small", "GET", "bytes=10-19", 200, null, 0, 1000, [("If-Range", "\"other\"")]),
        ["If-Range with the date"] = new("small", "GET", "bytes=10-19", 206, "bytes 10-19/1000", 10, 10, [("If-Range", "{date}")]),
        ["If-Range with an old date"] = new("small", "GET", "bytes=10-19", 200, null, 0, 1000, [("If-Range", "{old}")]),
        ["If-None-Match current"] = new("small", "GET", null, 304, null, 0, 0, [("If-None-Match", "{etag}")]),
        ["If-None-Match other"] = new("small", "GET", null, 200, null, 0, 1000, [("If-None-Match", "\"other\"")]),
        ["If-Modified-Since current"] = new("small", "GET", null, 304, null, 0, 0, [("If-Modified-Since", "{date}")]),
        ["If-None-Match wins over Range"] = new("small", "GET", "bytes=0-9", 304, null, 0, 0, [("If-None-Match", "{etag}")]),
        ["empty file"] = new("empty", "GET", null, 200, null, 0, 0),
        ["empty file, bytes=0-"] = new("empty", "GET", "bytes=0-", 416, "bytes */0", 0, 0),
        ["empty file, suffix"] = new("empty", "GET", "bytes=-1", 416, "bytes */0", 0, 0),
        ["one byte"] = new("one", "GET", null, 200, null, 0, 1),
        ["one byte, bytes=0-0"] = new("one", "GET", "bytes=0-0", 206, "bytes 0-0/1", 0, 1),
        ["one byte, suffix"] = new("one", "GET", "bytes=-1", 206, "bytes 0-0/1", 0, 1),
        ["one byte, past the end"] = new("one", "GET", "bytes=1-", 416, "bytes */1", 0, 0),
        ["sparse HEAD"] = new("sparse", "HEAD", null, 200, null, 0, S),
        ["sparse range near the end"] = new("sparse", "GET", $"bytes={S - 40}-{S - 1}", 206, $"bytes {S - 40}-{S - 1}/{S}", S - 40, 40),
        ["sparse suffix"] = new("sparse", "GET", "bytes=-23", 206, $"bytes {S - 23}-{S - 1}/{S}", S - 23, 23),
        ["sparse past 4 GiB, middle"] = new("sparse", "GET", "bytes=4294967296-4294967299", 206, $"bytes 4294967296-4294967299/{S}", 4294967296, 4),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Stream_RangeCase_IsServedPerRfc9110(string name)
    {
        var c = Cases[name];
        var entry = c.File switch { "small" => fx.Small, "empty" => fx.Empty, "one" => fx.One, _ => fx.Sparse };
        var url = $"/api/v1/entries/{entry}/stream";
        using var head = await fx.User.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        var etag = head.Headers.ETag!.ToString();
        var lastModified = head.Content.Headers.LastModified!.Value;

        var request = new HttpRequestMessage(new HttpMethod(c.Method), url);
        if (c.Range is not null) request.Headers.TryAddWithoutValidation("Range", c.Range);
        foreach (var (h, v) in c.Headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(h, v.Replace("{etag}", etag).Replace("{date}", lastModified.ToString("R"))
                .Replace("{old}", lastModified.AddDays(-1).ToString("R")));
        }
        using var response = await fx.User.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = await ReadBodyAsync(response, 1 << 20);

        Assert.Equal(c.Status, (int)response.StatusCode);
        Assert.Equal(c.ContentRange, response.Content.Headers.ContentRange?.ToString());
        if (c.Status is 200 or 206)
        {
            Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
            Assert.Equal(c.Length, response.Content.Headers.ContentLength);
            Assert.Equal(etag, response.Headers.ETag?.ToString());
            var expected = c.Method == "HEAD" ? [] : Enumerable.Range(0, (int)c.Length).Select(i => fx.ByteAt(entry, c.Start + i)).ToArray();
            Assert.Equal(expected, body);
        }
        else
        {
            Assert.True(body.Length == 0 || response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                $"a {c.Status} carries no file bytes");
        }
    }

    /// <summary>The body, failing when it is longer than <paramref name="max"/> (never buffers a 4.5 GiB answer).</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, int max)
    {
        await using var stream = await response.Content.ReadAsStreamAsync();
        var ms = new MemoryStream();
        var buffer = new byte[65536];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            ms.Write(buffer, 0, n);
            Assert.True(ms.Length <= max, $"the body is longer than {max} bytes");
        }
        return ms.ToArray();
    }

    [Fact]
    public async Task Stream_ContentTypes_FollowTheFile()
    {
        async Task<string?> TypeOf(Guid id) =>
            (await fx.User.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/v1/entries/{id}/stream"))).Content.Headers.ContentType?.MediaType;
        Assert.Equal("video/mp4", await TypeOf(fx.Small));
        Assert.Equal("video/webm", await TypeOf(fx.Empty));
        Assert.Equal("audio/flac", await TypeOf(fx.One));
        Assert.Equal("video/x-matroska", await TypeOf(fx.Sparse));
        Assert.Equal("audio/mpeg", await TypeOf(fx.Big));
    }

    [Fact]
    public async Task Stream_ETag_IsStrongAndChangesWithTheFile()
    {
        var url = $"/api/v1/entries/{fx.One}/stream";
        var before = (await fx.User.SendAsync(new HttpRequestMessage(HttpMethod.Head, url))).Headers.ETag!;
        Assert.False(before.IsWeak);
        File.SetLastWriteTimeUtc(Path.Combine(fx.Files, "one.flac"), DateTime.UtcNow.AddMinutes(-5));
        var after = (await fx.User.SendAsync(new HttpRequestMessage(HttpMethod.Head, url))).Headers.ETag!;
        Assert.NotEqual(before.Tag, after.Tag);
    }
}

using System.Net.Http.Headers;

namespace Hub.Web.Tests.Streaming;

/// <summary>
/// 500 random Range headers (fixed seed) against the 1000-byte and the 1-byte file: well-formed, borderline and
/// garbage. Never a 5xx; a 206 body is exactly the bytes its Content-Range names, never longer than asked or than
/// the file; any other success is the whole file.
/// </summary>
public sealed class RangeFuzzTests(StreamFixture fx) : IClassFixture<StreamFixture>
{
    [Fact]
    public async Task Stream_RandomRangeHeaders_NeverFailAndNeverOverserve()
    {
        var random = new Random(20240611);
        for (var i = 0; i < 500; i++)
        {
            var (entry, size) = random.Next(5) == 0 ? (fx.One, 1L) : (fx.Small, 1000L);
            var header = RandomRange(random, size);
            var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/entries/{entry}/stream");
            request.Headers.TryAddWithoutValidation("Range", header);
            using var response = await fx.User.SendAsync(request);
            var body = await RangeMatrixTests.ReadBodyAsync(response, 2000);
            var status = (int)response.StatusCode;
            var what = $"case {i}: Range: {header} → {status}";

            Assert.True(status is 200 or 206 or 416, what);
            Assert.True(body.Length <= size, what);
            if (status == 206)
            {
                var cr = response.Content.Headers.ContentRange!;
                Assert.Equal(size, cr.Length);
                Assert.True(cr.From <= cr.To && cr.To < size, what);
                Assert.Equal(cr.To - cr.From + 1, body.Length);
                Assert.True(RequestedAtLeast(header, body.Length), what);
                for (var b = 0; b < body.Length; b++) Assert.Equal(fx.ByteAt(entry, cr.From!.Value + b), body[b]);
            }
            else if (status == 200)
            {
                Assert.Equal(size, body.Length);
                for (var b = 0; b < body.Length; b++) Assert.Equal(fx.ByteAt(entry, b), body[b]);
            }
            else
            {
                Assert.Equal($"bytes */{size}", response.Content.Headers.ContentRange?.ToString());
            }
        }
    }

    /// <summary>A 206 never serves more than the single range asked for (suffix or first-last).</summary>
    private static bool RequestedAtLeast(string header, long served)
    {
        if (!RangeHeaderValue.TryParse(header, out var parsed) || parsed.Ranges.Count != 1) return false;
        var r = parsed.Ranges.Single();
        return r.From is null ? r.To >= served : r.To is null || (decimal)r.To.Value - r.From.Value + 1 >= served;
    }

    private static string RandomRange(Random r, long size)
    {
        long Pos() => r.Next(6) switch { 0 => 0, 1 => size - 1, 2 => size, 3 => r.NextInt64(0, size * 3), 4 => r.NextInt64(0, Math.Max(1, size)), _ => long.MaxValue / r.Next(1, 4) };
        string Spec() => r.Next(4) switch
        {
            0 => $"{Pos()}-{Pos()}",
            1 => $"{Pos()}-",
            2 => $"-{Pos()}",
            _ => $"{Pos()}-{Pos()}",
        };
        const string Junk = "abc-=,; \t0123456789bytes\"";
        return r.Next(10) switch
        {
            0 => new string(Enumerable.Range(0, r.Next(1, 20)).Select(_ => Junk[r.Next(Junk.Length)]).ToArray()),
            1 => "bytes=" + string.Join(",", Enumerable.Range(0, r.Next(2, 5)).Select(_ => Spec())),
            2 => "bytes=" + Spec() + ",",
            3 => (r.Next(2) == 0 ? "BYTES=" : "bytes = ") + Spec(),
            4 => "bytes=-" + Spec(),
            5 => "bytes=" + Pos() + "--" + Pos(),
            6 => "bytes=" + new string('9', r.Next(15, 40)) + "-",
            _ => "bytes=" + Spec(),
        };
    }
}

using Hub.Domain.Notifications;

namespace Hub.Domain.Tests.Notifications;

/// <summary>The bodies each receiver gets, as golden files (TestData/Webhooks): a change to one is a change people see.</summary>
public sealed class WebhookBodiesTests
{
    private static readonly WebhookMessage Completed = new(WebhookEvents.JobCompleted, new DateTimeOffset(2026, 12, 2, 10, 30, 0, TimeSpan.Zero),
        new WebhookJob(Guid.Parse("01930000-0000-7000-8000-000000000001"), "import", "completed", "Sängerin <live> & more", "https://example.org/v/1",
            null, null, "bot", "telegram:100", false),
        new WebhookEntry(Guid.Parse("01930000-0000-7000-8000-000000000002"), "Sängerin <live> & more", "Music", "audio", 5_400_000, 245,
            "https://hub.example.org/s/abc.def"));

    private static readonly WebhookMessage Failed = new(WebhookEvents.JobFailed, new DateTimeOffset(2026, 12, 2, 10, 31, 0, TimeSpan.Zero),
        new WebhookJob(Guid.Parse("01930000-0000-7000-8000-000000000003"), "import", "failed", null, "https://example.org/gone.mp4",
            "example.org answered 404 Not Found.", "http-404", "api", "token:x", false), null);

    [Theory]
    [InlineData("json")]
    [InlineData("ntfy")]
    [InlineData("gotify")]
    [InlineData("discord")]
    [InlineData("slack")]
    public void Bodies_MatchTheirGoldenFiles(string format)
    {
        var actual = string.Join("\n---\n", new[] { Completed, Failed }.Select(m =>
        {
            var (body, type, headers) = WebhookBodies.Shape(format, m);
            return $"Content-Type: {type}\n" + string.Concat(headers.Select(h => $"{h.Item1}: {h.Item2}\n")) + "\n" + body;
        })) + "\n";
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "Webhooks", format + ".golden");
        if (Environment.GetEnvironmentVariable("HUB_UPDATE_GOLDEN") == "1")
        {
            var source = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "TestData", "Webhooks", format + ".golden");
            File.WriteAllText(source, actual);
            return;
        }
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void Signature_IsTheHmacOfTheExactBody()
    {
        // RFC 4231-style known answer (the classic example from Wikipedia's HMAC page).
        Assert.Equal("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
            WebhookBodies.Sign("key", "The quick brown fox jumps over the lazy dog"u8.ToArray()));
    }
}

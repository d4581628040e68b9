using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hub.Bot.Telegram;

/// <summary>The Bot API's JSON: snake_case names, nulls left out of requests.</summary>
public static class TelegramJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    /// <summary>Past this, a "Unix time" is in milliseconds (the test emulator sends those); seconds reach it in the year 5138.</summary>
    private const long MillisecondsThreshold = 100_000_000_000;

    public static DateTimeOffset FromUnix(long value) => value >= MillisecondsThreshold
        ? DateTimeOffset.FromUnixTimeMilliseconds(value)
        : DateTimeOffset.FromUnixTimeSeconds(value);

    public static Update ParseUpdate(string json) =>
        JsonSerializer.Deserialize<Update>(json, Options) ?? throw new JsonException("An update was null.");

    public static IReadOnlyList<Update> ParseUpdates(JsonElement result) =>
        result.Deserialize<List<Update>>(Options) ?? [];
}

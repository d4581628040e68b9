using System.Globalization;
using System.Text.Json;

namespace Hub.Mcp;

/// <summary>
/// Checks a tools/call's arguments against the input schema the tool publishes in tools/list (the SDK builds it from the
/// method's parameters). The SDK binds arguments only when it invokes the method, and a missing or mistyped one then
/// fails as "An error occurred invoking 'get_entry'" with an error-level log and a stack trace; the model learns
/// nothing it can correct. MCP treats input validation errors as tool execution errors, so <see cref="McpGuards"/>
/// answers the problem found here as one, naming the argument and what it expects.
/// </summary>
public static class ToolArguments
{
    /// <summary>What is wrong with <paramref name="arguments"/> for a tool with <paramref name="inputSchema"/>, or null when nothing is.</summary>
    public static string? Problem(JsonElement inputSchema, IDictionary<string, JsonElement>? arguments)
    {
        if (inputSchema.ValueKind != JsonValueKind.Object || !inputSchema.TryGetProperty("properties", out var properties)
            || properties.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        arguments ??= new Dictionary<string, JsonElement>();
        var required = inputSchema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var name in required)
        {
            if (!arguments.TryGetValue(name, out var given) || given.ValueKind is JsonValueKind.Undefined
                || (given.ValueKind == JsonValueKind.Null && properties.TryGetProperty(name, out var p) && !Types(p).Contains("null")))
            {
                var about = properties.TryGetProperty(name, out var s) && s.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String
                    ? $" {d.GetString()}" : "";
                return $"Missing '{name}':{about}";
            }
        }
        foreach (var (name, value) in arguments)
        {
            // Arguments the tool does not take are left to the SDK, which ignores them; a null optional one means "not given".
            if (!properties.TryGetProperty(name, out var schema) || value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            if (Expected(schema, value) is { } expected)
            {
                return $"Invalid '{name}': expected {expected}, got {Shown(value)}.";
            }
        }
        return null;
    }

    /// <summary>What <paramref name="schema"/> wants when <paramref name="value"/> is not it; null when it fits (or the schema says too little to tell).</summary>
    private static string? Expected(JsonElement schema, JsonElement value)
    {
        var types = Types(schema);
        if (types.Count == 0)
        {
            return null;
        }
        foreach (var type in types)
        {
            if (Fits(type, schema, value))
            {
                return null;
            }
        }
        return string.Join(" or ", types.Where(t => t != "null").Select(t => Described(t, schema)));
    }

    private static bool Fits(string type, JsonElement schema, JsonElement value) => type switch
    {
        "string" => value.ValueKind == JsonValueKind.String && FitsFormat(schema, value.GetString()!) && FitsEnum(schema, value),
        "integer" => (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _))
            // The SDK's serializer options read numbers written as strings; so does this check.
            || (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _)),
        "number" => value.ValueKind == JsonValueKind.Number
            || (value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "array" => value.ValueKind == JsonValueKind.Array,
        "object" => value.ValueKind == JsonValueKind.Object,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => true,
    };

    private static bool FitsFormat(JsonElement schema, string text) =>
        !schema.TryGetProperty("format", out var f) || f.GetString() switch
        {
            "uuid" => Guid.TryParse(text, out _),
            "date-time" => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            _ => true,
        };

    private static bool FitsEnum(JsonElement schema, JsonElement value) =>
        !schema.TryGetProperty("enum", out var values) || values.ValueKind != JsonValueKind.Array
        || values.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.String && string.Equals(v.GetString(), value.GetString(), StringComparison.OrdinalIgnoreCase));

    private static string Described(string type, JsonElement schema) => type switch
    {
        "string" when schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array =>
            "one of " + string.Join(", ", values.EnumerateArray().Select(v => $"'{v}'")),
        "string" when schema.TryGetProperty("format", out var f) && f.GetString() == "uuid" => "an id (a UUID such as 0b8e7c1e-5a8f-4d0e-9b7a-3f1c2d4e5f60)",
        "string" when schema.TryGetProperty("format", out var f) && f.GetString() == "date-time" => "a date and time (ISO 8601, e.g. 2026-12-01T10:00:00Z)",
        "string" => "text",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "array" => "a list",
        "object" => "an object",
        _ => type,
    };

    private static List<string> Types(JsonElement schema) =>
        !schema.TryGetProperty("type", out var t) ? []
        : t.ValueKind == JsonValueKind.String ? [t.GetString()!]
        : t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
        : [];

    private static string Shown(JsonElement value)
    {
        var raw = value.GetRawText();
        return raw.Length <= 60 ? raw : raw[..57] + "…";
    }
}

using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Testing;
using Hub.Web.Tests.Entries;

namespace Hub.Web.Tests.OpenApi;

/// <summary>
/// Random and hostile Unicode (U+0000, lone surrogates, bidi overrides, combining marks, 100,000 characters) in every
/// string query parameter and JSON body field the app's own OpenAPI document lists: no answer is a 5xx.
/// </summary>
public sealed class TextFuzzTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    private const int Seed = 20261201;
    private const int RandomValuesPerField = 3;

    /// <summary>Routes that leave the machine (site search), never end (SSE) or take multipart (covered by the upload tests).</summary>
    private static bool Skipped(string method, string path) =>
        method == "delete" || path.Contains("/stream", StringComparison.Ordinal) || path.EndsWith("/imports/search", StringComparison.Ordinal)
        || path.EndsWith("/imports/upload", StringComparison.Ordinal);

    [Fact]
    public async Task HostileText_InEveryStringInput_NeverGives5xx()
    {
        var admin = await app.CreateClientAsync("admin");
        var library = await EntrySeed.LibraryAsync(app.ConnectionString, "Fuzz Library");
        var entry = new SeedEntry("fuzz target");
        await EntrySeed.InsertAsync(app.ConnectionString, library, [entry]);
        var playlist = (await (await admin.PostAsJsonAsync("/api/v1/playlists", new { name = "fuzz", query = new { q = "x" } }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await admin.PostAsJsonAsync("/api/v1/telegram/contacts", new { telegramId = 4242 })).EnsureSuccessStatusCode();
        string Fill(string path) => System.Text.RegularExpressions.Regex.Replace(path, @"\{([^}]+)\}", m => m.Groups[1].Value switch
        {
            "entryId" => entry.Id.ToString(),
            _ when path.StartsWith("/api/v1/entries/", StringComparison.Ordinal) => entry.Id.ToString(),
            _ when path.StartsWith("/api/v1/playlists/", StringComparison.Ordinal) => playlist.ToString(),
            _ when path.StartsWith("/api/v1/libraries/", StringComparison.Ordinal) => library.ToString(),
            _ when path.StartsWith("/api/v1/telegram/contacts/", StringComparison.Ordinal) => "4242",
            _ => Guid.NewGuid().ToString(),
        });

        var doc = await admin.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var schemas = doc.GetProperty("components").GetProperty("schemas");
        var random = new Random(Seed);
        var failures = new List<string>();
        var sent = 0;
        var inputs = new HashSet<string>();
        foreach (var pathItem in doc.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/v1/", StringComparison.Ordinal)))
        {
            foreach (var op in pathItem.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" && !Skipped(o.Name, pathItem.Name)))
            {
                var url = Fill(pathItem.Name);
                var queryParams = op.Value.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToList()
                    : [];
                var bodyFields = op.Value.TryGetProperty("requestBody", out var rb) && rb.GetProperty("content").TryGetProperty("application/json", out var json)
                    ? StringFields(Resolve(json.GetProperty("schema"), schemas), schemas, []).ToList()
                    : [];
                inputs.UnionWith(queryParams.Select(q => $"{op.Name} {pathItem.Name} ?{q}"));
                inputs.UnionWith(bodyFields.Select(f => $"{op.Name} {pathItem.Name} {string.Join('.', f.Path)}"));
                foreach (var value in Values(random))
                {
                    foreach (var q in queryParams)
                    {
                        sent++;
                        await SendAsync(new HttpMethod(op.Name.ToUpperInvariant()), $"{url}?{q}={PercentEncode(value)}",
                            op.Name == "get" ? null : new StringContent("{}", Encoding.UTF8, "application/json"), $"query {q}");
                    }
                    foreach (var field in bodyFields)
                    {
                        sent++;
                        await SendAsync(new HttpMethod(op.Name.ToUpperInvariant()), url,
                            new StringContent(BodyWith(field, value), Encoding.UTF8, "application/json"), $"body {string.Join('.', field.Path)}");
                    }
                }

                async Task SendAsync(HttpMethod method, string target, HttpContent? content, string what)
                {
                    var response = await admin.SendAsync(new HttpRequestMessage(method, target) { Content = content });
                    if ((int)response.StatusCode >= 500)
                    {
                        failures.Add($"{method} {pathItem.Name} {what}: {(int)response.StatusCode} {Truncate(await response.Content.ReadAsStringAsync())}");
                    }
                }
            }
        }
        // The document must really describe the inputs (a regression there would make this test pass vacuously).
        Assert.Contains("get /api/v1/entries ?q", inputs);
        Assert.Contains("patch /api/v1/entries/{id} title", inputs);
        Assert.Contains("post /api/v1/playlists query.q", inputs);
        Assert.True(inputs.Count > 60, $"only {inputs.Count} inputs found: {string.Join(", ", inputs)}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests answered 5xx (seed {Seed}):\n" + string.Join("\n", failures.Distinct().Take(40)));
    }

    private sealed record Field(string[] Path, bool IsArray);

    /// <summary>String (or string array) properties of a body schema, one level into nested objects (a playlist's query).</summary>
    private static IEnumerable<Field> StringFields(JsonElement schema, JsonElement schemas, string[] prefix)
    {
        if (!schema.TryGetProperty("properties", out var properties))
        {
            yield break;
        }
        foreach (var p in properties.EnumerateObject())
        {
            var s = Resolve(p.Value, schemas);
            var path = prefix.Append(p.Name).ToArray();
            if (HasType(s, "string"))
            {
                yield return new Field(path, false);
            }
            else if (HasType(s, "array") && s.TryGetProperty("items", out var items) && HasType(Resolve(items, schemas), "string"))
            {
                yield return new Field(path, true);
            }
            else if (prefix.Length == 0 && HasType(s, "object"))
            {
                foreach (var inner in StringFields(s, schemas, path)) yield return inner;
            }
        }
    }

    private static JsonElement Resolve(JsonElement schema, JsonElement schemas)
    {
        if (schema.TryGetProperty("$ref", out var r))
        {
            return Resolve(schemas.GetProperty(r.GetString()!.Split('/')[^1]), schemas);
        }
        // OpenAPI 3.1 nullable references: oneOf/anyOf [null, $ref].
        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(combinator, out var options))
            {
                foreach (var option in options.EnumerateArray().Where(o => !(o.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null")))
                {
                    return Resolve(option, schemas);
                }
            }
        }
        return schema;
    }

    private static bool HasType(JsonElement schema, string type) =>
        schema.TryGetProperty("type", out var t) && (t.ValueKind == JsonValueKind.String ? t.GetString() == type : t.EnumerateArray().Any(x => x.GetString() == type))
        || (type == "object" && schema.TryGetProperty("properties", out _));

    /// <summary>The JSON body with only this field set; strings are escaped by hand so lone surrogates go out as \uD800.</summary>
    private static string BodyWith(Field field, string value)
    {
        var literal = JsonLiteral(value);
        var inner = field.IsArray ? $"[{literal}]" : literal;
        for (var i = field.Path.Length - 1; i >= 0; i--)
        {
            inner = $"{{{JsonLiteral(field.Path[i])}:{inner}}}";
        }
        return inner;
    }

    private static string JsonLiteral(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            if (c is '"' or '\\' or < ' ' || char.IsSurrogate(c)) sb.Append("\\u").Append(((int)c).ToString("x4"));
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    /// <summary>UTF-8 percent-encoding; a lone surrogate goes out as its (invalid) three-byte form.</summary>
    private static string PercentEncode(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s)
        {
            var bytes = char.IsSurrogate(c)
                ? [(byte)(0xE0 | (c >> 12)), (byte)(0x80 | ((c >> 6) & 0x3F)), (byte)(0x80 | (c & 0x3F))]
                : Encoding.UTF8.GetBytes(c.ToString());
            foreach (var b in bytes)
            {
                sb.Append(b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') ? ((char)b).ToString() : $"%{b:X2}");
            }
        }
        return sb.ToString();
    }

    private static IEnumerable<string> Values(Random random)
    {
        yield return "\0";
        yield return "x\uD800y";
        yield return "x\uDC00";
        yield return "\u202Egnp.exe\u200F\u200E";
        yield return new string('é', 100_000);
        yield return "e\u0301\u0301\u0301 \U0001F600 \uFEFF";
        for (var i = 0; i < RandomValuesPerField; i++)
        {
            var length = random.Next(1, 64);
            var chars = new char[length];
            for (var j = 0; j < length; j++)
            {
                chars[j] = random.Next(8) switch
                {
                    0 => '\0',
                    1 => (char)random.Next(0xD800, 0xE000), // surrogates, often unpaired
                    2 => (char)random.Next(0x202A, 0x202F), // bidi embeddings and overrides
                    3 => (char)random.Next(0, 0x20),
                    _ => (char)random.Next(0x20, 0xFFFF),
                };
            }
            yield return new string(chars);
        }
    }

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "…";
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Testing;
using Hub.Web.Tests.Entries;

namespace Hub.Web.Tests.Problems;

/// <summary>
/// U+0000 (which PostgreSQL text and jsonb cannot store) sent in every string input of the REST API: each answers
/// 400 naming its field, never 500. (A NUL in the path never reaches Hub: the server refuses such a request line.)
/// </summary>
public sealed class UnstorableTextTests(HubAppFactory app) : IClassFixture<HubAppFactory>
{
    private const string Nul = "a\u0000b";
    private const string NulQuery = "a%00b";

    private sealed record Case(string Method, string Url, object? Json, string Field)
    {
        public HttpContent? Content { get; init; }
        public override string ToString() => $"{Method} {Url} [{Field}]";
    }

    [Fact]
    public async Task Nul_InEveryStringInput_Is400NamingTheField()
    {
        var admin = await app.CreateClientAsync("admin");
        var library = await EntrySeed.LibraryAsync(app.ConnectionString, "Nul Library");
        var entry = new SeedEntry("nul target");
        await EntrySeed.InsertAsync(app.ConnectionString, library, [entry]);
        var staticList = await CreatedIdAsync(admin, "/api/v1/playlists", new { name = "nul static" });
        var dynamicList = await CreatedIdAsync(admin, "/api/v1/playlists", new { name = "nul dynamic", query = new { q = "x" } });
        (await admin.PostAsJsonAsync("/api/v1/telegram/contacts", new { telegramId = 4242 })).EnsureSuccessStatusCode();
        var mp4 = File.ReadAllBytes(await TestMedia.VideoAsync());

        List<Case> cases =
        [
            .. Query("/api/v1/entries", "q", "tag", "platform", "library", "mediaKind", "sort", "cursor", "minDuration", "maxDuration", "from", "to", "limit"),
            .. Query("/api/v1/jobs", "state", "kind", "door", "library", "parent", "cursor", "limit"),
            .. Query($"/api/v1/playlists/{staticList}/entries", "cursor", "limit"),
            .. Query($"/api/v1/playlists/{staticList}.m3u8", "ttlSeconds"),
            .. Query("/api/v1/stats/downloads", "from", "to", "entry", "kind"),
            .. Query("/api/v1/telegram/contacts", "status"),
            .. Query("/api/v1/telegram/interactions", "telegramId", "from", "to", "page", "pageSize"),
            .. Query("/api/v1/tokens", "includeRevoked"),
            new("DELETE", $"/api/v1/libraries/{library}?mode={NulQuery}", null, "mode"),
            new("DELETE", $"/api/v1/libraries/{library}?mode=move&target={NulQuery}", null, "target"),
            new("DELETE", $"/api/v1/entries/{entry.Id}?keep_file={NulQuery}", null, "keep_file"),

            .. Body("POST", "/api/v1/imports", new { url = "http://127.0.0.1/clip.mp4" }, "url", "library", "format", "mode", "door"),
            .. Body("POST", "/api/v1/imports/probe", new { }, "url"),
            .. Body("POST", "/api/v1/imports/search", new { query = "cats" }, "query", "source"),
            // A batch reports its bad lines under "urls", however they were sent.
            new("POST", "/api/v1/imports/batch", new { text = Nul }, "urls"),
            new("POST", "/api/v1/imports/batch", new { urls = new[] { Nul } }, "urls"),
            new("POST", "/api/v1/imports/batch", new { text = "http://127.0.0.1/a.mp4", library = Nul }, "urls"),
            new("POST", $"/api/v1/inbox/{Guid.NewGuid()}/approve", new { library = Nul }, "library"),
            .. Body("PATCH", $"/api/v1/entries/{entry.Id}", new { }, "title"),
            new("PATCH", $"/api/v1/entries/{entry.Id}", new { tags = new[] { "ok", Nul } }, "tags"),
            new("PATCH", $"/api/v1/entries/{entry.Id}", new { properties = new { note = Nul } }, "properties"),
            new("PATCH", $"/api/v1/entries/{entry.Id}", new { properties = new Dictionary<string, object> { [Nul] = new[] { 1 } } }, "properties"),
            .. Body("POST", $"/api/v1/entries/{entry.Id}/links", new { }, "kind"),
            .. Body("POST", "/api/v1/playlists", new { name = "p" }, "name", "description", "kind"),
            new("POST", "/api/v1/playlists", new { name = "p", query = new { q = Nul } }, "q"),
            new("POST", "/api/v1/playlists", new { name = "p", query = new { platform = Nul } }, "platform"),
            new("POST", "/api/v1/playlists", new { name = "p", query = new { tags = new[] { Nul } } }, "tag"),
            new("POST", "/api/v1/playlists", new { name = "p", query = new { sort = Nul } }, "sort"),
            .. Body("PATCH", $"/api/v1/playlists/{staticList}", new { }, "name", "description"),
            new("PATCH", $"/api/v1/playlists/{dynamicList}", new { query = new { q = Nul } }, "q"),
            .. Body("POST", "/api/v1/tokens", new { name = "t" }, "name", "role"),
            .. Body("PUT", "/api/v1/telegram/settings", new { }, "defaultLibrary", "defaultFormat", "mode"),
            .. Body("POST", "/api/v1/telegram/contacts", new { telegramId = 4343 }, "role", "status"),
            .. Body("PATCH", "/api/v1/telegram/contacts/4242", new { }, "role", "status"),
            .. Body("POST", "/api/v1/libraries", new { name = "L" }, "name", "rootFolder", "pathTemplate", "defaultFormat", "mediaKind"),
            .. Body("PATCH", $"/api/v1/libraries/{library}", new { }, "name", "rootFolder", "pathTemplate", "defaultFormat", "mediaKind"),
            new("POST", "/api/v1/libraries", new { name = "R", rules = new[] { new { titleKeywords = new[] { Nul } } } }, "rules"),
            new("PATCH", $"/api/v1/libraries/{library}", new { rules = new[] { new { platforms = new[] { Nul } } } }, "rules"),
            .. new[] { "library", "format", "mode", "door" }.Select(f => new Case("POST", "/api/v1/imports/upload", null, f) { Content = Upload(mp4, (f, Nul)) }),
        ];

        var failures = new List<string>();
        foreach (var c in cases)
        {
            var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Url) { Content = c.Content ?? (c.Json is null ? null : JsonContent.Create(c.Json)) };
            var response = await admin.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != 400)
            {
                failures.Add($"{c}: {(int)response.StatusCode} {body}");
                continue;
            }
            if (!NamesField(body, c.Field))
            {
                failures.Add($"{c}: 400 without naming the field: {body}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} inputs:\n" + string.Join("\n", failures));
    }

    /// <summary>The field (or an item of it, "rules[0]...") is a key of the validation errors, or (for the framework's binding errors) named in the detail.</summary>
    private static bool NamesField(string body, string field)
    {
        var problem = JsonDocument.Parse(body).RootElement;
        if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object && errors.EnumerateObject().Any(e => e.Name == field || e.Name.StartsWith(field + "[", StringComparison.Ordinal)))
        {
            return true;
        }
        return problem.TryGetProperty("detail", out var detail) && detail.GetString()?.Contains(field, StringComparison.Ordinal) == true;
    }

    private static IEnumerable<Case> Query(string path, params string[] fields) =>
        fields.Select(f => new Case("GET", $"{path}?{f}={NulQuery}", null, f));

    /// <summary>The base body with one field set to U+0000, per field.</summary>
    private static IEnumerable<Case> Body(string method, string url, object baseBody, params string[] fields) =>
        fields.Select(f =>
        {
            var json = JsonSerializer.SerializeToNode(baseBody)!.AsObject();
            json[f] = Nul;
            return new Case(method, url, json, f);
        });

    private static MultipartFormDataContent Upload(byte[] file, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        form.Add(part, "file", "clip.mp4");
        return form;
    }

    private static async Task<Guid> CreatedIdAsync(HttpClient client, string url, object body)
    {
        var response = await client.PostAsJsonAsync(url, body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}

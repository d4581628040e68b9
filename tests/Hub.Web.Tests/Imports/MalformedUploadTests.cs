using System.Net.Http.Headers;
using System.Text;
using Hub.Domain.Access;
using Hub.Testing;

namespace Hub.Web.Tests.Imports;

/// <summary>The app on a real Kestrel port, so request bodies travel over HTTP exactly as a client sends them.</summary>
public sealed class KestrelAppFactory : HubAppFactory
{
    public KestrelAppFactory() => UseKestrel(0);
}

/// <summary>Multipart bodies that break the framing answer 400 with a problem saying what is wrong, never 500.</summary>
public sealed class MalformedUploadTests(KestrelAppFactory app) : IClassFixture<KestrelAppFactory>
{
    private const string Boundary = "hub-test-boundary";

    private static string FilePart(string body) =>
        $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.mp4\"\r\nContent-Type: video/mp4\r\n\r\n{body}";

    public static TheoryData<string, string, string> Bodies => new()
    {
        // name, Content-Type, body
        { "boundary not the one declared", $"multipart/form-data; boundary={Boundary}", "--other\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.mp4\"\r\n\r\nxx\r\n--other--\r\n" },
        { "truncated inside the file part", $"multipart/form-data; boundary={Boundary}", FilePart("\0\0\0\x18ftypmp42 and then the body stops") },
        { "no boundary parameter", "multipart/form-data", FilePart("x") + $"\r\n--{Boundary}--\r\n" },
        { "boundary longer than RFC 2046 allows", $"multipart/form-data; boundary={new string('b', 71)}", "--" + new string('b', 71) + "--\r\n" },
        { "part headers without end", $"multipart/form-data; boundary={Boundary}", $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{new string('a', 20_000)}.mp4\"" },
        { "not multipart at all", $"multipart/form-data; boundary={Boundary}", "{\"file\": \"clip.mp4\"}" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task MalformedBody_Is400WithAClearProblem(string name, string contentType, string body)
    {
        var client = await ClientAsync();
        var content = new ByteArrayContent(Encoding.Latin1.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var response = await client.PostAsync("/api/v1/imports/upload", content);

        var problem = await ProblemAssert.IsAsync(response, 400, "malformed-multipart");
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), name);
    }

    private async Task<HttpClient> ClientAsync()
    {
        app.StartServer();
        var created = await app.Get<TokenService>().CreateAsync("upload-" + Guid.NewGuid().ToString("N")[..6], "user", CancellationToken.None);
        var client = app.CreateClient();
        Assert.Equal("http", client.BaseAddress!.Scheme);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Secret);
        return client;
    }
}

using Hub.Domain.Libraries;
using Hub.Domain.Scanning;

namespace Hub.Mcp.Tests.Tools;

public sealed class ScanToolsTests(McpFixture hub) : IClassFixture<McpFixture>
{
    [Fact]
    public async Task ScanLibrary_QueuesAScanJob_UnknownLibraryIsAnError_UnmatchedListIsEmptyAtFirst()
    {
        var lib = await hub.Get<LibraryService>().CreateAsync(new LibraryInput("Mcp Scan", MediaKind: "any"), CancellationToken.None);
        await using var admin = await hub.ConnectAsync(McpFixture.Admin);

        var result = await admin.Client.OkAsync("scan_library", new { library = "mcp-scan" });

        var job = result.GetProperty("job");
        Assert.Equal(ScanService.Kind, job.GetProperty("kind").GetString());
        Assert.Equal(lib.Id, job.GetProperty("library_id").GetGuid());
        Assert.Contains("no library", await admin.Client.ErrorAsync("scan_library", new { library = "no-such-library" }));
        Assert.Empty((await admin.Client.OkAsync("list_unmatched")).GetProperty("items").EnumerateArray());
    }
}

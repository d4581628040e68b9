using System.Text.Json;

namespace Hub.Mcp.Tests;

public sealed class McpJsonTests
{
    [Fact]
    public void Results_KeepQuotesAngleBracketsAndAccents_AsThemselves()
    {
        // What a model reads of a title like this: no \u0022, \u003C or \u00E9 escapes to spend tokens on.
        var json = JsonSerializer.Serialize(new { Title = "Café \"live\" <b> & 'more'", EntryId = (Guid?)null }, McpJson.Options);
        Assert.Equal("""{"title":"Café \"live\" <b> & 'more'","entry_id":null}""", json);
    }
}

using Hub.Domain.Storage;

namespace Hub.Domain.Tests.Storage;

public sealed class HubDbContextTests
{
    [Theory]
    [InlineData("Id", "id")]
    [InlineData("LibraryId", "library_id")]
    [InlineData("DurationSeconds", "duration_seconds")]
    [InlineData("LeaseExpiresAt", "lease_expires_at")]
    [InlineData("SpeedBps", "speed_bps")]
    [InlineData("URLValue", "url_value")]
    public void ToSnakeCase_MapsPropertyNamesToColumns(string property, string column) =>
        Assert.Equal(column, HubDbContext.ToSnakeCase(property));
}

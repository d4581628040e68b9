using System.Text.Json;

namespace Hub.Domain.Settings;

public sealed class Setting
{
    public required string Key { get; set; }
    public required JsonDocument Value { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

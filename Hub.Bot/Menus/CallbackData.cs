using System.Text;

namespace Hub.Bot.Menus;

/// <summary>
/// Button data: a short verb and arguments joined by ':' ("jc:3f2a…", "pv:k3x9q2:go"). Telegram allows 64 bytes,
/// so long state lives in <see cref="ChoiceStore"/> behind a short id, and job/entry ids are written without dashes.
/// </summary>
public static class CallbackData
{
    public const int MaxBytes = 64;

    public static string Build(params string[] parts)
    {
        var data = string.Join(':', parts);
        if (Encoding.UTF8.GetByteCount(data) > MaxBytes)
        {
            throw new InvalidOperationException($"Callback data over {MaxBytes} bytes: {data}");
        }
        return data;
    }

    public static string[] Parse(string? data) => string.IsNullOrEmpty(data) ? [] : data.Split(':');

    public static string Id(Guid id) => id.ToString("N");

    public static bool TryId(string? text, out Guid id) => Guid.TryParseExact(text, "N", out id);
}

using Hub.Domain.Imports;

namespace Hub.Domain.Access;

/// <summary>
/// Does the bot let the SENDER confirm library and format with buttons before an import starts (<c>on</c>), or import
/// at once (<c>off</c>)? Not to be confused with the import <c>mode: auto|review</c> (does an admin approve the item
/// in the inbox), which REST and MCP use. It used to be the bot's "mode: preview|auto"; those words are still read.
/// </summary>
public static class BotConfirm
{
    public const string On = "on";
    public const string Off = "off";

    public static bool IsValid(string? value) => value is On or Off;

    /// <summary>The old "mode" words: preview meant confirm on, auto meant off. Anything else: null.</summary>
    public static string? FromLegacyMode(string? mode) => mode switch
    {
        "preview" => On,
        "auto" => Off,
        _ => null,
    };
}

/// <summary>Does the bot send finished media into the chat where Telegram's size limits allow (<c>files</c>), or only links?</summary>
public static class BotDelivery
{
    public const string Files = "files";
    public const string Links = "links";

    public static bool IsValid(string? value) => value is Files or Links;
}

/// <summary>
/// The bot's settings admins change from the chat or the admin API: everyone's defaults, which each person may override
/// for themselves (<see cref="PersonalSettingsStore"/>). Null library/format: the rules decide. <paramref name="ImportMode"/>:
/// do links non-admins send import at once (<c>auto</c>) or wait in the inbox for an admin (<c>review</c>)?
/// </summary>
public sealed record TelegramSettings(string? DefaultLibrary, string? DefaultFormat, string Confirm, string Delivery = BotDelivery.Files,
    string ImportMode = ImportModes.Auto)
{
    public static readonly TelegramSettings Default = new(null, null, BotConfirm.On);

    public bool ConfirmFirst => Confirm == BotConfirm.On;

    /// <summary>The import mode of one sender's bot imports: admins' own are filed at once (they would approve them anyway).</summary>
    public static string ImportModeFor(string setting, bool isAdmin) => isAdmin ? ImportModes.Auto : setting;
}

/// <summary>
/// A change to <see cref="TelegramSettings"/>: null leaves a value as it is, "" clears library or format.
/// <paramref name="Mode"/> is the deprecated name of <paramref name="Confirm"/> (preview = on, auto = off).
/// </summary>
public sealed record TelegramSettingsPatch(string? DefaultLibrary, string? DefaultFormat, string? Confirm, string? Mode = null, string? Delivery = null,
    string? ImportMode = null);

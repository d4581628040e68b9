using System.Text.Json;
using Hub.Domain.Engines;
using Hub.Domain.Libraries;
using Hub.Domain.Settings;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Access;

/// <summary>How the bot treats links: show a preview with choices first, or import at once.</summary>
public static class BotModes
{
    public const string Preview = "preview";
    public const string Auto = "auto";

    public static bool IsValid(string? mode) => mode is Preview or Auto;
}

/// <summary>The bot's settings admins change from the chat or the admin API. Null library/format: the rules decide.</summary>
public sealed record TelegramSettings(string? DefaultLibrary, string? DefaultFormat, string Mode)
{
    public static readonly TelegramSettings Default = new(null, null, BotModes.Preview);
}

/// <summary>A change to <see cref="TelegramSettings"/>: null leaves a value as it is, "" clears library or format.</summary>
public sealed record TelegramSettingsPatch(string? DefaultLibrary, string? DefaultFormat, string? Mode);

using System.Globalization;
using Hub.Bot.Menus;
using Hub.Bot.Telegram;
using Hub.Domain.Access;
using Hub.Domain.Engines;
using Hub.Domain.Libraries;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace Hub.Bot.Commands;

/// <summary>/settings (admins): everyone's defaults: library, format, confirm on|off (do senders confirm library and format first), files or links, as buttons.</summary>
public sealed class SettingsCommand(TelegramSettingsStore store, LibraryService libraries, BotSender sender)
{
    private const int MaxLibraryButtons = 8;

    public async Task<string> ShowAsync(BotContext ctx, CancellationToken ct)
    {
        var (text, buttons) = await RenderAsync(await store.GetAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        sender.Post(ctx.ChatId, text, buttons);
        return "shown";
    }

    /// <summary>st:l:{index|-}, st:f:{index|-}, st:c:{on|off} (st:m:{p|a}: buttons sent before confirm was named so)</summary>
    public async Task<string> OnButtonAsync(BotContext ctx, CallbackQuery cb, string[] parts, CancellationToken ct)
    {
        var value = parts.ElementAtOrDefault(2) ?? "";
        var index = int.TryParse(value, CultureInfo.InvariantCulture, out var i) ? i : -1;
        TelegramSettingsPatch? patch = parts.ElementAtOrDefault(1) switch
        {
            "l" => new((await libraries.ListAsync(ct).ConfigureAwait(false)).Take(MaxLibraryButtons).ElementAtOrDefault(index)?.Slug ?? "", null, null),
            "f" => new(null, index >= 0 && index < FormatPresets.All.Count ? FormatPresets.All[index] : "", null),
            "c" when BotConfirm.IsValid(value) => new(null, null, value),
            "d" when BotDelivery.IsValid(value) => new(null, null, null, Delivery: value),
            "m" => new(null, null, value == "a" ? BotConfirm.Off : BotConfirm.On),
            _ => null,
        };
        if (patch is null || cb.Message is null)
        {
            await sender.AnswerAsync(cb.Id, "That button no longer works.", ct).ConfigureAwait(false);
            return "stale";
        }
        var saved = await store.UpdateAsync(patch, ct).ConfigureAwait(false);
        await sender.AnswerAsync(cb.Id, "Saved", ct).ConfigureAwait(false);
        var (text, buttons) = await RenderAsync(saved, ct).ConfigureAwait(false);
        await sender.EditAsync(cb.Message.Chat.Id, cb.Message.MessageId, text, buttons, ct).ConfigureAwait(false);
        return $"settings: {saved.DefaultLibrary ?? "auto"}, {saved.DefaultFormat ?? "default"}, confirm {saved.Confirm}";
    }

    private async Task<(string, InlineKeyboardMarkup)> RenderAsync(TelegramSettings s, CancellationToken ct)
    {
        var libs = (await libraries.ListAsync(ct).ConfigureAwait(false)).Take(MaxLibraryButtons).ToList();
        var rows = new List<IReadOnlyList<InlineKeyboardButton>>();
        rows.Add(Labels.Heading("📁 Default library"));
        var libButtons = new List<InlineKeyboardButton> { InlineKeyboardButton.WithCallbackData(Mark(s.DefaultLibrary is null) + "Auto", CallbackData.Build("st", "l", "-")) };
        libButtons.AddRange(libs.Select((l, i) => InlineKeyboardButton.WithCallbackData(Mark(l.Slug == s.DefaultLibrary) + Texts.Trim(l.Name, 20),
            CallbackData.Build("st", "l", i.ToString(CultureInfo.InvariantCulture)))));
        rows.AddRange(libButtons.Chunk(3));
        rows.Add(Labels.Heading("🎞 Default format"));
        var formatButtons = new List<InlineKeyboardButton> { InlineKeyboardButton.WithCallbackData(Mark(s.DefaultFormat is null) + "Library default", CallbackData.Build("st", "f", "-")) };
        formatButtons.AddRange(FormatPresets.All.Select((f, i) => InlineKeyboardButton.WithCallbackData(Mark(f == s.DefaultFormat) + Labels.Format(f),
            CallbackData.Build("st", "f", i.ToString(CultureInfo.InvariantCulture)))));
        rows.AddRange(formatButtons.Chunk(3));
        rows.Add(Labels.Heading("✅ Confirm before importing"));
        rows.Add([
            InlineKeyboardButton.WithCallbackData(Mark(s.ConfirmFirst) + "Confirm: on", CallbackData.Build("st", "c", BotConfirm.On)),
            InlineKeyboardButton.WithCallbackData(Mark(!s.ConfirmFirst) + "Confirm: off", CallbackData.Build("st", "c", BotConfirm.Off)),
        ]);
        rows.Add(Labels.Heading("📤 When an import is done"));
        rows.Add([
            InlineKeyboardButton.WithCallbackData(Mark(s.Delivery == BotDelivery.Files) + "Send files", CallbackData.Build("st", "d", BotDelivery.Files)),
            InlineKeyboardButton.WithCallbackData(Mark(s.Delivery == BotDelivery.Links) + "Links only", CallbackData.Build("st", "d", BotDelivery.Links)),
        ]);
        var library = s.DefaultLibrary is null ? "auto (rules decide)" : libs.FirstOrDefault(l => l.Slug == s.DefaultLibrary)?.Name ?? s.DefaultLibrary;
        var text = $"⚙️ Bot settings\nDefault library: {library}\nDefault format: {(s.DefaultFormat is null ? "the library's default" : Labels.Format(s.DefaultFormat))}\n"
            + $"Confirm: {s.Confirm} ({(s.ConfirmFirst ? "senders pick library and format with buttons, then press Import" : "links are imported at once")})\n"
            + $"When done: {(s.Delivery == BotDelivery.Files ? "the file is sent when Telegram allows, else a link" : "links only")}\n"
            + "These are everyone's defaults; each person can change format, confirm and files or links for themselves in /settings.";
        return (text, new InlineKeyboardMarkup(rows));
    }

    private static string Mark(bool selected) => selected ? "✓ " : "";
}

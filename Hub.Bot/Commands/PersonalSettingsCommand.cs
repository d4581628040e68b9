using System.Globalization;
using Hub.Bot.Menus;
using Hub.Bot.Telegram;
using Hub.Domain.Access;
using Hub.Domain.Engines;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace Hub.Bot.Commands;

/// <summary>
/// /settings for everyone: their own default format, confirm on/off, files or links (and, for admins, whether they
/// hear about work waiting for them), and whether new items of what they follow are told here. "Default" follows the admin's global settings.
/// </summary>
public sealed class PersonalSettingsCommand(PersonalSettingsStore store, BotSender sender)
{
    public async Task<string> ShowAsync(BotContext ctx, CancellationToken ct)
    {
        var (text, buttons) = Render(await store.GetAsync(ctx.From.Id, ct).ConfigureAwait(false), ctx.IsAdmin);
        sender.Post(ctx.ChatId, text, buttons);
        return "shown own settings";
    }

    /// <summary>us:f:{index|-}, us:c:{on|off|-}, us:d:{files|links|-}, us:n:{1|0}, us:s:{1|0}</summary>
    public async Task<string> OnButtonAsync(BotContext ctx, CallbackQuery cb, string[] parts, CancellationToken ct)
    {
        var value = parts.ElementAtOrDefault(2) ?? "";
        var cleared = value == "-" ? "" : value;
        PersonalSettingsPatch? patch = parts.ElementAtOrDefault(1) switch
        {
            "f" when value == "-" => new(DefaultFormat: ""),
            "f" when int.TryParse(value, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < FormatPresets.All.Count => new(DefaultFormat: FormatPresets.All[i]),
            "c" when value == "-" || BotConfirm.IsValid(value) => new(Confirm: cleared),
            "d" when value == "-" || BotDelivery.IsValid(value) => new(Delivery: cleared),
            "n" when ctx.IsAdmin => new(AdminNotices: value == "1"),
            "s" when value is "1" or "0" => new(FollowNotices: value == "1"),
            _ => null,
        };
        if (patch is null || cb.Message is null)
        {
            await sender.AnswerAsync(cb.Id, "That button no longer works.", ct).ConfigureAwait(false);
            return "stale";
        }
        var saved = await store.UpdateAsync(ctx.From.Id, patch, ct).ConfigureAwait(false);
        await sender.AnswerAsync(cb.Id, "Saved", ct).ConfigureAwait(false);
        var (text, buttons) = Render(saved, ctx.IsAdmin);
        await sender.EditAsync(cb.Message.Chat.Id, cb.Message.MessageId, text, buttons, ct).ConfigureAwait(false);
        return $"own settings: {saved.DefaultFormat ?? "default"}, confirm {saved.Confirm}, {saved.Delivery}, notices {saved.AdminNotices}, follow notices {saved.FollowNotices}";
    }

    private static (string, InlineKeyboardMarkup) Render(PersonalSettings s, bool isAdmin)
    {
        var own = s.Own;
        var rows = new List<IReadOnlyList<InlineKeyboardButton>> { Labels.Heading("🎞 My format") };
        var formats = new List<InlineKeyboardButton> { Button(!own.Contains("format"), "Default", "f", "-") };
        formats.AddRange(FormatPresets.All.Select((f, i) => Button(own.Contains("format") && f == s.DefaultFormat, Labels.Format(f), "f", i.ToString(CultureInfo.InvariantCulture))));
        rows.AddRange(formats.Chunk(3));
        rows.Add(Labels.Heading("✅ Confirm before importing"));
        rows.Add([Button(!own.Contains("confirm"), "Default", "c", "-"), Button(own.Contains("confirm") && s.ConfirmFirst, "On", "c", BotConfirm.On),
            Button(own.Contains("confirm") && !s.ConfirmFirst, "Off", "c", BotConfirm.Off)]);
        rows.Add(Labels.Heading("📤 When an import is done"));
        rows.Add([Button(!own.Contains("delivery"), "Default", "d", "-"), Button(own.Contains("delivery") && s.SendFiles, "Send me files", "d", BotDelivery.Files),
            Button(own.Contains("delivery") && !s.SendFiles, "Links only", "d", BotDelivery.Links)]);
        rows.Add(Labels.Heading("📡 New items from what I follow"));
        rows.Add([Button(s.FollowNotices, "Tell me", "s", "1"), Button(!s.FollowNotices, "Quiet", "s", "0")]);
        if (isAdmin)
        {
            rows.Add(Labels.Heading("🔔 Tell me about work waiting for me"));
            rows.Add([Button(s.AdminNotices, "Notices on", "n", "1"), Button(!s.AdminNotices, "Notices off", "n", "0")]);
        }
        var text = "👤 Your settings\n"
            + $"Format: {(string.IsNullOrEmpty(s.DefaultFormat) ? "each library's own" : Labels.Format(s.DefaultFormat))}{Source(own, "format")}\n"
            + $"Confirm before importing: {(s.ConfirmFirst ? "on" : "off")}{Source(own, "confirm")}\n"
            + $"When done: {(s.SendFiles ? "send the file when Telegram allows, else a link" : "links only")}{Source(own, "delivery")}\n"
            + $"New items from what I follow: {(s.FollowNotices ? "on" : "off")}"
            + (isAdmin ? $"\nNotices about the inbox, approved items and failures: {(s.AdminNotices ? "on" : "off")}" : "");
        return (text, new InlineKeyboardMarkup(rows));
    }

    private static string Source(IReadOnlySet<string> own, string key) => own.Contains(key) ? " (your choice)" : " (as for everyone)";

    private static InlineKeyboardButton Button(bool selected, string label, string key, string value) =>
        InlineKeyboardButton.WithCallbackData((selected ? "✓ " : "") + label, CallbackData.Build("us", key, value));
}

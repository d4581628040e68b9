using Hub.Bot.Menus;
using Hub.Bot.Telegram;
using Hub.Domain;
using Hub.Domain.Libraries;
using Hub.Domain.Scanning;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace Hub.Bot.Commands;

/// <summary>
/// The scanner's unmatched files in /inbox (admins): one card each, titled by the parsed name, with "Add to {library}"
/// (uf:a:{file}: an entry where it lies, in the library it was found in) and "Ignore" (uf:i:{file}), both through <see cref="ScanService"/>.
/// </summary>
public sealed class UnmatchedFiles(ScanService scans, LibraryService libraries, BotSender sender)
{
    public const int MaxShown = 5;

    public Task<IReadOnlyList<UnmatchedFile>> ListAsync(CancellationToken ct) => scans.UnmatchedAsync(null, MaxShown + 1, ct);

    /// <summary>Posts a card per file (up to <see cref="MaxShown"/>); returns how many.</summary>
    public async Task<int> PostAsync(BotContext ctx, IReadOnlyList<UnmatchedFile> files, CancellationToken ct)
    {
        var names = await libraries.NamesAsync(ct).ConfigureAwait(false);
        foreach (var f in files.Take(MaxShown))
        {
            var library = names.GetValueOrDefault(f.LibraryId, "its library");
            var buttons = new InlineKeyboardMarkup([[
                InlineKeyboardButton.WithCallbackData("➕ Add to " + Texts.Trim(library, 30), CallbackData.Build("uf", "a", CallbackData.Id(f.Id))),
                InlineKeyboardButton.WithCallbackData("✖ Ignore", CallbackData.Build("uf", "i", CallbackData.Id(f.Id))),
            ]]);
            sender.Post(ctx.ChatId, $"❔ Unmatched file in {library}: {Texts.Trim(Title(f), 200)}\n{Texts.Trim(f.Path, 300)} · {Texts.Size(f.SizeBytes)}", buttons);
        }
        if (files.Count > MaxShown)
        {
            sender.Post(ctx.ChatId, "More unmatched files are waiting; decide these first or use the web admin.");
        }
        return Math.Min(files.Count, MaxShown);
    }

    /// <summary>uf:{a|i}:{file}</summary>
    public async Task<string> OnButtonAsync(BotContext ctx, CallbackQuery cb, string[] parts, CancellationToken ct)
    {
        if (!CallbackData.TryId(parts.ElementAtOrDefault(2), out var id) || parts[1] is not ("a" or "i") || cb.Message is null)
        {
            await sender.AnswerAsync(cb.Id, "That button no longer works.", ct).ConfigureAwait(false);
            return "stale";
        }
        try
        {
            string done;
            if (parts[1] == "a")
            {
                // The card's title is the parsed name; the file is looked up again, since the card may be old.
                var file = await scans.FindUnmatchedAsync(id, ct).ConfigureAwait(false) ?? throw new HubNotFoundException("unmatched", "gone");
                var entry = await scans.ResolveAsync(id, Title(file), null, ct).ConfigureAwait(false);
                done = $"✅ Added: {Texts.Trim(entry.Title, 200)}";
            }
            else
            {
                await scans.IgnoreAsync(id, ct).ConfigureAwait(false);
                done = "✖ Ignored; later scans leave it out.";
            }
            await sender.AnswerAsync(cb.Id, "Done", ct).ConfigureAwait(false);
            await sender.EditAsync(cb.Message.Chat.Id, cb.Message.MessageId, done, null, ct).ConfigureAwait(false);
            return done;
        }
        catch (HubNotFoundException)
        {
            await sender.AnswerAsync(cb.Id, "Already decided (or gone).", ct).ConfigureAwait(false);
            await sender.EditMarkupAsync(cb.Message.Chat.Id, cb.Message.MessageId, null, ct).ConfigureAwait(false);
            return "stale";
        }
    }

    private static string Title(UnmatchedFile f) =>
        f.Parsed?.DisplayTitle is { Length: > 0 } t ? t : Path.GetFileNameWithoutExtension(f.Path);
}

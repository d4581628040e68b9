using System.Text;
using Hub.Bot.Menus;
using Hub.Bot.Notifications;
using Hub.Bot.Telegram;
using Hub.Domain;
using Hub.Domain.Access;
using Hub.Domain.Engines;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace Hub.Bot.Commands;

/// <summary>
/// Links: /add and plain URLs (several per message). With confirm off each becomes a job at once; with confirm on the
/// bot shows what the link is with buttons for library, format, playlist scope, and Import (the sender confirms). Every job gets one message
/// that <see cref="JobNotifier"/> keeps current.
/// </summary>
public sealed class ImportCommand(ImportService imports, ProbePreviews previews, PersonalSettingsStore settingsStore, LibraryService libraries, ChoiceStore choices,
    BotSender sender, JobMessages jobMessages, JobNotifier notifier)
{
    public const string ChoiceKind = "preview";
    private const int MaxLinksPerMessage = 10;
    private const int MaxLibraryButtons = 8;
    private const int MaxProbesAtOnce = 4;

    public async Task<string> AddAsync(BotContext ctx, string args, CancellationToken ct)
    {
        var urls = CommandList.Urls(args, null);
        if (urls.Count == 0)
        {
            sender.Post(ctx.ChatId, "Usage: /add <url> [start-end] — or just send me the link.");
            return "usage";
        }
        IReadOnlyList<LinkRequest> links;
        try
        {
            links = ClipLinks.Read(args, urls);
        }
        catch (HubException ex)
        {
            sender.Post(ctx.ChatId, ex.Message);
            return "bad clip";
        }
        return await ImportLinksAsync(ctx, links, ct).ConfigureAwait(false);
    }

    public Task<string> ImportUrlsAsync(BotContext ctx, IReadOnlyList<string> urls, CancellationToken ct) =>
        ImportLinksAsync(ctx, [.. urls.Select(u => new LinkRequest(u))], ct);

    /// <summary>Links, each with the section asked for (a clip) or the whole.</summary>
    public async Task<string> ImportLinksAsync(BotContext ctx, IReadOnlyList<LinkRequest> links, CancellationToken ct)
    {
        var urls = links.Select(l => l.Url).ToList();
        // The sender's own choices where they made them, the admin's defaults elsewhere.
        var own = await settingsStore.GetAsync(ctx.From.Id, ct).ConfigureAwait(false);
        var settings = new TelegramSettings(own.DefaultLibrary, own.DefaultFormat, own.Confirm, own.Delivery, own.ImportMode);
        if (urls.Count > MaxLinksPerMessage)
        {
            sender.Post(ctx.ChatId, $"That's {urls.Count} links; I'll take the first {MaxLinksPerMessage}. Send the rest in another message.");
        }
        var started = 0;
        if (settings.ConfirmFirst)
        {
            // One "looking at" message per link, in the order sent; then the links are read side by side (bounded),
            // so ten links take about as long as the slowest few rather than all of them in a row.
            var messages = new List<(LinkRequest Link, long MessageId)>();
            foreach (var link in links.Take(MaxLinksPerMessage))
            {
                messages.Add((link, (await sender.SendAsync(ctx.ChatId, $"🔎 Looking at {link.Url} …", null, ct).ConfigureAwait(false)).MessageId));
            }
            using var gate = new SemaphoreSlim(MaxProbesAtOnce);
            await Task.WhenAll(messages.Select(async m =>
            {
                await gate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    await PreviewAsync(ctx, m.Link, m.MessageId, settings, ct).ConfigureAwait(false);
                    Interlocked.Increment(ref started);
                }
                finally
                {
                    gate.Release();
                }
            })).ConfigureAwait(false);
            return $"previewed {started} of {messages.Count}";
        }
        foreach (var link in links.Take(MaxLinksPerMessage))
        {
            try
            {
                await StartJobAsync(ctx, Request(ctx, link.Url, settings.DefaultLibrary, settings.DefaultFormat, wholePlaylist: true, settings.ImportMode, link.Clip), null, ct)
                    .ConfigureAwait(false);
                started++;
            }
            catch (HubException ex)
            {
                sender.Post(ctx.ChatId, $"{Texts.Trim(link.Url, 100)}: {UserErrors.Describe(ex.Type, ex.Message, ctx.IsAdmin)}");
            }
        }
        return $"{(settings.ConfirmFirst ? "previewed" : "imported")} {started} of {Math.Min(urls.Count, MaxLinksPerMessage)}";
    }

    /// <summary>Creates the job and its message (or turns <paramref name="messageId"/> into it), then follows it.</summary>
    public async Task<Job> StartJobAsync(BotContext ctx, ImportRequest request, long? messageId, CancellationToken ct)
    {
        var job = await imports.ImportAsync(request, ct).ConfigureAwait(false);
        if (await jobMessages.FindAsync(job.Id, ct).ConfigureAwait(false) is { Finished: false } live)
        {
            // The same link again while it is being imported: one live message is enough; point to it.
            var pointer = $"⏳ Already importing this (job {Texts.ShortId(job.Id)}): see the message above.";
            if (messageId is { } preview)
            {
                await sender.EditAsync(ctx.ChatId, preview, pointer, null, ct).ConfigureAwait(false);
            }
            else if (live.ChatId == ctx.ChatId)
            {
                sender.Reply(ctx.ChatId, live.MessageId, pointer);
            }
            else
            {
                sender.Post(ctx.ChatId, $"⏳ Already importing this (job {Texts.ShortId(job.Id)}): its progress is shown in the chat you first sent it to.");
            }
            return job;
        }
        var update = JobUpdate.From(job, DateTimeOffset.UtcNow);
        var text = JobText.Running(update, request.Url ?? request.FileName);
        var buttons = JobText.RunningButtons(update);
        if (messageId is { } existing)
        {
            await sender.EditAsync(ctx.ChatId, existing, text, buttons, ct).ConfigureAwait(false);
        }
        else
        {
            existing = (await sender.SendAsync(ctx.ChatId, text, buttons, ct).ConfigureAwait(false)).MessageId;
        }
        await jobMessages.TrackAsync(job.Id, ctx.ChatId, existing, ctx.From.Id, text, ct).ConfigureAwait(false);
        notifier.Follow(job.Id, job.Title ?? request.Url ?? request.FileName);
        return job;
    }

    private async Task PreviewAsync(BotContext ctx, LinkRequest link, long messageId, TelegramSettings settings, CancellationToken ct)
    {
        var url = link.Url;
        ProbeResult probe;
        try
        {
            probe = await previews.PreviewAsync(url, ct).ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            await sender.EditAsync(ctx.ChatId, messageId, $"I couldn't read {url}:\n{UserErrors.Describe(ex.Type, ex.Message, ctx.IsAdmin)}", null, ct)
                .ConfigureAwait(false);
            return;
        }
        var choice = new PreviewChoice(url, settings.DefaultLibrary, settings.DefaultFormat, WholePlaylist: true, probe.IsPlaylist,
            probe.EntryCount ?? (probe.Entries.Count > 0 ? probe.Entries.Count : null), Summary(probe, link.Clip), ctx.ChatId, messageId, link.Clip);
        var id = await choices.CreateAsync(ctx.From.Id, ChoiceKind, choice, ct).ConfigureAwait(false);
        await RenderAsync(id, choice, ct).ConfigureAwait(false);
    }

    /// <summary>A press on a preview button: pv:{choice}:{l|f|p|go|x}[:{value}].</summary>
    public async Task<string> OnPreviewButtonAsync(BotContext ctx, CallbackQuery cb, string[] parts, CancellationToken ct)
    {
        var id = parts.ElementAtOrDefault(1) ?? "";
        var action = parts.ElementAtOrDefault(2) ?? "";
        var value = parts.ElementAtOrDefault(3);
        var choice = await choices.GetAsync<PreviewChoice>(id, ctx.From.Id, ChoiceKind, ct).ConfigureAwait(false);
        if (choice is null)
        {
            // Pressed again after Import: the preview is that import's message now, so say so rather than "expired".
            if (cb.Message is { } pressed && await jobMessages.JobOfMessageAsync(pressed.Chat.Id, pressed.MessageId, ct).ConfigureAwait(false) is { } running)
            {
                await sender.AnswerAsync(cb.Id, $"Already importing (job {Texts.ShortId(running)}): this message shows how it goes.", ct).ConfigureAwait(false);
                return "already importing";
            }
            await sender.AnswerAsync(cb.Id, "This preview has expired or was used already. Send the link again.", ct).ConfigureAwait(false);
            return "stale";
        }
        switch (action)
        {
            case "l":
                var libs = await libraries.ListAsync(ct).ConfigureAwait(false);
                choice = choice with { Library = int.TryParse(value, out var li) && li >= 0 && li < libs.Count ? libs[li].Slug : null };
                break;
            case "f":
                choice = choice with { Format = int.TryParse(value, out var fi) && fi >= 0 && fi < FormatPresets.All.Count ? FormatPresets.All[fi] : null };
                break;
            case "p":
                choice = choice with { WholePlaylist = value == "1" };
                break;
            case "x":
                await choices.DeleteAsync(id, ct).ConfigureAwait(false);
                await sender.AnswerAsync(cb.Id, "Cancelled", ct).ConfigureAwait(false);
                await sender.EditAsync(choice.ChatId, choice.MessageId, "✖ Not imported: " + choice.Url, null, ct).ConfigureAwait(false);
                return "preview cancelled";
            case "go":
                if (!await choices.DeleteAsync(id, ct).ConfigureAwait(false))
                {
                    await sender.AnswerAsync(cb.Id, "Already on its way.", ct).ConfigureAwait(false);
                    return "stale";
                }
                await sender.AnswerAsync(cb.Id, "Importing…", ct).ConfigureAwait(false);
                var mode = (await settingsStore.GetAsync(ctx.From.Id, ct).ConfigureAwait(false)).ImportMode;
                var job = await StartJobAsync(ctx, Request(ctx, choice.Url, choice.Library, choice.Format, choice.WholePlaylist, mode, choice.Clip), choice.MessageId, ct)
                    .ConfigureAwait(false);
                return "job " + job.Id;
            default:
                await sender.AnswerAsync(cb.Id, "That button no longer works.", ct).ConfigureAwait(false);
                return "stale";
        }
        await choices.UpdateAsync(id, choice, ct).ConfigureAwait(false);
        await sender.AnswerAsync(cb.Id, null, ct).ConfigureAwait(false);
        await RenderAsync(id, choice, ct).ConfigureAwait(false);
        return "preview " + action;
    }

    private async Task RenderAsync(string id, PreviewChoice choice, CancellationToken ct)
    {
        var libs = (await libraries.ListAsync(ct).ConfigureAwait(false)).Take(MaxLibraryButtons).ToList();
        var rows = new List<IReadOnlyList<InlineKeyboardButton>>();
        rows.Add(Labels.Heading("📁 Library"));
        var libButtons = new List<InlineKeyboardButton> { Button(choice.Library is null, "Auto", id, "l", "-") };
        libButtons.AddRange(libs.Select((l, i) => Button(l.Slug == choice.Library, Texts.Trim(l.Name, 20), id, "l", i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        rows.AddRange(libButtons.Chunk(3));
        rows.Add(Labels.Heading("🎞 Format"));
        var formatButtons = new List<InlineKeyboardButton> { Button(choice.Format is null, "Default", id, "f", "-") };
        formatButtons.AddRange(FormatPresets.All.Select((f, i) => Button(f == choice.Format, Labels.Format(f), id, "f", i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        rows.AddRange(formatButtons.Chunk(3));
        if (choice.IsPlaylist)
        {
            rows.Add(Labels.Heading("📃 Playlist"));
            rows.Add([
                Button(choice.WholePlaylist, choice.EntryCount is { } n ? $"Whole playlist ({n})" : "Whole playlist", id, "p", "1"),
                Button(!choice.WholePlaylist, "Just this one", id, "p", "0"),
            ]);
        }
        rows.Add([
            InlineKeyboardButton.WithCallbackData("✅ Import", CallbackData.Build("pv", id, "go")),
            InlineKeyboardButton.WithCallbackData("✖ Cancel", CallbackData.Build("pv", id, "x")),
        ]);
        var library = choice.Library is null ? "auto" : libs.FirstOrDefault(l => l.Slug == choice.Library)?.Name ?? choice.Library;
        var text = $"{choice.Summary}\n\nLibrary: {library} · Format: {(choice.Format is null ? "default" : Labels.Format(choice.Format))}"
            + (choice.IsPlaylist ? $" · {(choice.WholePlaylist ? "whole playlist" : "just this one")}" : "")
            + "\nPick, then press Import.";
        await sender.EditAsync(choice.ChatId, choice.MessageId, text, new InlineKeyboardMarkup(rows), ct).ConfigureAwait(false);
    }

    private static InlineKeyboardButton Button(bool selected, string label, string id, string action, string value) =>
        InlineKeyboardButton.WithCallbackData((selected ? "✓ " : "") + label, CallbackData.Build("pv", id, action, value));

    private static string Summary(ProbeResult p, ClipRange? clip)
    {
        var sb = new StringBuilder();
        sb.Append(p.IsPlaylist ? "📃 " : p.MediaKind == "audio" ? "🎵 " : "🎬 ").Append(Texts.Trim(p.Title ?? p.Url, 200));
        if (clip is not null)
        {
            sb.Append("\n✂ Clip ").Append(clip);
        }
        var facts = new List<string>();
        if (p.DurationSeconds is { } d)
        {
            facts.Add(Texts.Duration(d));
        }
        if (!string.IsNullOrWhiteSpace(p.Uploader))
        {
            facts.Add(p.Uploader);
        }
        if (Labels.Platform(p.Platform, p.Url) is { } site)
        {
            facts.Add(site);
        }
        if (p.SizeBytes is { } size)
        {
            facts.Add(Texts.Size(size));
        }
        if (p.IsPlaylist && (p.EntryCount ?? p.Entries.Count) is var count and > 0)
        {
            facts.Add($"{count} items");
        }
        if (facts.Count > 0)
        {
            sb.Append('\n').Append(string.Join(" · ", facts));
        }
        sb.Append('\n').Append(p.Url);
        if (p.AlreadyInLibrary is { } known)
        {
            // Importing again completes at once as a duplicate; say so before the person presses Import.
            sb.Append("\n📚 Already in the library: ").Append(Texts.Trim(known.Title, 120));
        }
        return sb.ToString();
    }

    private static ImportRequest Request(BotContext ctx, string url, string? library, string? format, bool wholePlaylist, string importMode,
        ClipRange? clip = null) => new()
    {
        Clip = clip,
        Url = url,
        Library = library,
        Format = format,
        Mode = TelegramSettings.ImportModeFor(importMode, ctx.IsAdmin),
        WholePlaylist = wholePlaylist,
        Door = Doors.Bot,
        RequestedBy = ctx.RequestedBy,
    };
}

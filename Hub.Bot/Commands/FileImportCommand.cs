using Hub.Bot.Menus;
using Hub.Bot.Telegram;
using Hub.Domain;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Microsoft.Extensions.Options;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;

namespace Hub.Bot.Commands;

/// <summary>
/// A video, audio, voice or document sent to the bot: fetched with getFile (the cloud Bot API serves at most 20 MB;
/// a local Bot API server lifts that) into Hub's temp folder and imported through the same pipeline as an upload.
/// </summary>
public sealed class FileImportCommand(TelegramFiles telegramFiles, BotSender sender, ImportCommand imports, TelegramSettingsStore settingsStore,
    IOptions<TelegramOptions> options, IOptions<HubOptions> hub)
{
    public async Task<string> HandleAsync(BotContext ctx, CancellationToken ct)
    {
        var m = ctx.Message!;
        var (fileId, name, size) = m.Video is { } v ? (v.FileId, v.FileName ?? $"video-{m.MessageId}.mp4", v.FileSize)
            : m.Audio is { } a ? (a.FileId, a.FileName ?? AudioName(a, m.MessageId), a.FileSize)
            : m.Voice is { } vo ? (vo.FileId, $"voice-{m.MessageId}.ogg", vo.FileSize)
            : (m.Document!.FileId, m.Document.FileName ?? $"file-{m.MessageId}", m.Document.FileSize);
        var limit = options.Value.DownloadLimitBytes;
        if (size > limit)
        {
            sender.Post(ctx.ChatId, $"That file is {Texts.Size(size)}; bots can only fetch files up to {Texts.Size(limit)} from Telegram. "
                + "Send a link to it instead, or ask the admin to run a local Bot API server.");
            return "refused: too large";
        }
        var status = await sender.SendAsync(ctx.ChatId, $"📥 Receiving {name} …", null, ct).ConfigureAwait(false);
        var folder = Path.Combine(hub.Value.FullTempDir, "telegram", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, SafeName(name));
        try
        {
            await using var target = File.Create(path);
            await telegramFiles.DownloadAsync(fileId, target, limit, ct).ConfigureAwait(false);
        }
        catch (ApiRequestException ex)
        {
            Directory.Delete(folder, recursive: true);
            var reason = ex.IsFileTooBig() ? $"it is bigger than the {Texts.Size(limit)} Telegram lets bots download" : ex.Message;
            await sender.EditAsync(ctx.ChatId, status.MessageId, $"I couldn't fetch {name}: {reason}.", null, ct).ConfigureAwait(false);
            return "refused: " + ex.ErrorCode;
        }
        var settings = await settingsStore.GetAsync(ct).ConfigureAwait(false);
        try
        {
            var job = await imports.StartJobAsync(ctx, new ImportRequest
            {
                UploadedFile = path,
                FileName = name,
                Title = m.Caption, // a forwarded video's or document's caption names it
                Library = settings.DefaultLibrary,
                Mode = TelegramSettings.ImportModeFor(settings.ImportMode, ctx.IsAdmin),
                Door = Doors.Bot,
                RequestedBy = ctx.RequestedBy,
            }, status.MessageId, ct).ConfigureAwait(false);
            return "job " + job.Id;
        }
        catch
        {
            if (File.Exists(path))
            {
                Directory.Delete(folder, recursive: true);
            }
            throw;
        }
    }

    private static string AudioName(Audio a, long messageId)
    {
        var name = $"{a.Performer} - {a.Title}".Trim(' ', '-');
        return (name.Length > 0 ? name : $"audio-{messageId}") + ".mp3";
    }

    private static string SafeName(string name)
    {
        var clean = new string(Path.GetFileName(name).Select(c => Path.GetInvalidFileNameChars().Contains(c) ? '_' : c).ToArray()).Trim();
        return clean.Length is 0 or > 200 ? "file" + Path.GetExtension(clean) : clean;
    }
}

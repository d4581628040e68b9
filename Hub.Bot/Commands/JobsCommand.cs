using System.Text;
using Hub.Bot.Menus;
using Hub.Bot.Telegram;
using Hub.Domain;
using Hub.Domain.Access;
using Hub.Domain.Jobs;
using Microsoft.Extensions.Options;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace Hub.Bot.Commands;

/// <summary>
/// /jobs (active imports with Cancel buttons), /cancel, and sending files. Who sees and may cancel which job is
/// <see cref="JobAccess"/>'s to decide (your own, or everyone's for admins); this only renders.
/// </summary>
public sealed class JobsCommand(JobQueue queue, JobAccess access, EntryLookup lookup, RequesterNames names, BotSender sender, Notifications.EntryMedia media,
    IOptions<TelegramOptions> options)
{
    private const int MaxListed = 10;
    private static readonly IReadOnlyList<string> Active = [.. JobStates.All.Except(JobStates.Terminal)];

    public async Task<string> ListAsync(BotContext ctx, CancellationToken ct)
    {
        var jobs = await VisibleActiveAsync(ctx, 50, ct).ConfigureAwait(false);
        if (jobs.Count == 0)
        {
            sender.Post(ctx.ChatId, ctx.IsAdmin ? "No imports in progress." : "You have no imports in progress.");
            return "0 jobs";
        }
        var sb = new StringBuilder(ctx.IsAdmin ? "Imports in progress (everyone's):\n" : "Your imports in progress:\n");
        var rows = new List<InlineKeyboardButton[]>();
        foreach (var j in jobs.Take(MaxListed))
        {
            sb.Append("\n• ").Append(Texts.ShortId(j.Id)).Append(' ').Append(Labels.State(j.State));
            if (j.CancelRequested)
            {
                sb.Append(" (cancelling)");
            }
            else if (j.State == JobStates.Downloading)
            {
                sb.Append(' ').Append(Texts.Percent(j.Progress));
            }
            sb.Append(" — ").Append(Texts.Trim(j.Title ?? j.Source ?? "import", 80));
            if (ctx.IsAdmin && j.RequestedBy != ctx.RequestedBy && await names.NameAsync(j.RequestedBy, ct).ConfigureAwait(false) is { } by)
            {
                sb.Append(" (").Append(by).Append(')');
            }
            if (!j.CancelRequested)
            {
                rows.Add([InlineKeyboardButton.WithCallbackData($"✖ Cancel {Texts.ShortId(j.Id)}", CallbackData.Build("jc", CallbackData.Id(j.Id)))]);
            }
        }
        if (jobs.Count > MaxListed)
        {
            sb.Append("\n… and ").Append(jobs.Count - MaxListed).Append(" more.");
        }
        sender.Post(ctx.ChatId, sb.ToString(), rows.Count > 0 ? new InlineKeyboardMarkup(rows) : null);
        return $"{jobs.Count} jobs";
    }

    public async Task<string> CancelAsync(BotContext ctx, string args, CancellationToken ct)
    {
        var key = args.Trim().ToLowerInvariant().Replace("-", "", StringComparison.Ordinal);
        if (key.StartsWith('#'))
        {
            key = key[1..];
        }
        if (key.Length < 4)
        {
            sender.Post(ctx.ChatId, "Usage: /cancel <id> — the id is shown in /jobs and on each import's message.");
            return "usage";
        }
        var matches = (await VisibleActiveAsync(ctx, 500, ct).ConfigureAwait(false)).Where(j => Texts.MatchesId(j.Id, key)).ToList();
        if (matches.Count != 1)
        {
            sender.Post(ctx.ChatId, matches.Count == 0 ? $"No import of yours in progress has the id {key}. See /jobs." : $"Several imports match {key}; use the id shown on the import's message.");
            return "not found";
        }
        var job = await access.CancelAsync(ctx.Requester, matches[0].Id, ct).ConfigureAwait(false);
        sender.Post(ctx.ChatId, $"Cancelling {Texts.Trim(job.Title ?? job.Source, 80)} ({Texts.ShortId(job.Id)}).");
        return "cancelled " + job.Id;
    }

    /// <summary>jc:{job}</summary>
    public async Task<string> OnCancelButtonAsync(BotContext ctx, CallbackQuery cb, string[] parts, CancellationToken ct)
    {
        Job job;
        try
        {
            // Someone else's import is "not found" to a non-admin, exactly like one that does not exist (a forged button learns nothing).
            job = CallbackData.TryId(parts.ElementAtOrDefault(1), out var id) ? await access.GetVisibleAsync(ctx.Requester, id, ct).ConfigureAwait(false)
                : throw new HubNotFoundException("job", "bad id");
        }
        catch (HubNotFoundException)
        {
            await sender.AnswerAsync(cb.Id, "That import no longer exists.", ct).ConfigureAwait(false);
            return "stale";
        }
        if (IsSystem(job))
        {
            await sender.AnswerAsync(cb.Id, "That import no longer exists.", ct).ConfigureAwait(false);
            return "refused: system job";
        }
        if (JobStates.IsTerminal(job.State))
        {
            await sender.AnswerAsync(cb.Id, $"It is already {job.State}.", ct).ConfigureAwait(false);
            return "stale";
        }
        await access.CancelAsync(ctx.Requester, job.Id, ct).ConfigureAwait(false);
        await sender.AnswerAsync(cb.Id, "Cancelling…", ct).ConfigureAwait(false);
        return "cancelled " + job.Id;
    }

    /// <summary>sf:{entry}: uploads the file into the chat when it is within the upload limit.</summary>
    public async Task<string> OnSendFileButtonAsync(BotContext ctx, CallbackQuery cb, string[] parts, CancellationToken ct)
    {
        var found = CallbackData.TryId(parts.ElementAtOrDefault(1), out var id) ? await lookup.GetAsync(id, ct).ConfigureAwait(false) : null;
        if (found is not { } f || !File.Exists(f.Entry.FilePath))
        {
            await sender.AnswerAsync(cb.Id, "That file is no longer in the library.", ct).ConfigureAwait(false);
            return "stale";
        }
        var limit = options.Value.UploadLimitBytes;
        if (f.Entry.SizeBytes > limit)
        {
            await sender.AnswerAsync(cb.Id, $"It is {Texts.Size(f.Entry.SizeBytes)}; bots can send at most {Texts.Size(limit)}.", ct, alert: true).ConfigureAwait(false);
            return "refused: too large";
        }
        await sender.AnswerAsync(cb.Id, "Sending…", ct).ConfigureAwait(false);
        try
        {
            await media.SendAsync(ctx.ChatId, f.Entry, ct).ConfigureAwait(false);
        }
        catch (ApiRequestException ex)
        {
            sender.Post(ctx.ChatId, $"I couldn't send the file: {ex.Message}");
            return "send failed: " + ex.ErrorCode;
        }
        return "sent file " + id;
    }

    /// <summary>Hub's own work (housekeeping) is nobody's import: the chat neither lists nor cancels it.</summary>
    private static bool IsSystem(Job job) => JobQueues.IsSystem(job.Queue);

    private async Task<IReadOnlyList<Job>> VisibleActiveAsync(BotContext ctx, int limit, CancellationToken ct) =>
        [.. (await queue.ListAsync(new JobFilter { States = Active, RequestedBy = JobAccess.OwnerFilter(ctx.Requester), Limit = limit }, ct).ConfigureAwait(false))
            .Where(j => !IsSystem(j))];
}

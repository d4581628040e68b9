using System.Text;
using System.Text.Json;
using Hub.Bot.Menus;
using Hub.Bot.Telegram;
using Hub.Domain.Entries;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Scanning;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace Hub.Bot.Notifications;

/// <summary>How a job reads in the chat: its state while it runs, its result when done.</summary>
public static class JobText
{
    /// <param name="origin">The subscription it came from (<see cref="LinkedJobs"/>), said on every state of the message.</param>
    public static string Running(JobUpdate u, string? fallbackTitle, string? origin = null)
    {
        var title = Texts.Trim(u.Title ?? fallbackTitle ?? "your import", 200);
        var sb = new StringBuilder();
        sb.Append(u.State switch
        {
            JobStates.Queued => "⏳ Queued: ",
            JobStates.Probing => "🔎 Looking at: ",
            JobStates.AwaitingReview => "📥 Waiting for an admin to approve: ",
            JobStates.Downloading => "⬇️ Downloading: ",
            JobStates.Processing => "⚙️ Processing: ",
            JobStates.Retrying => "🔁 Retrying: ",
            JobStates.Stalled => "⚠️ Stalled: ",
            _ => "⏳ ",
        }).Append(title);
        if (u.State == JobStates.Downloading)
        {
            sb.Append('\n').Append(Texts.Bar(u.Progress));
            if (u.BytesTotal is { } total)
            {
                sb.Append(" of ").Append(Texts.Size(total));
            }
            if (Texts.Speed(u.SpeedBps) is { Length: > 0 } speed)
            {
                sb.Append(" · ").Append(speed);
            }
            if (u.EtaSeconds is { } eta)
            {
                sb.Append(" · ETA ").Append(Texts.Duration(eta));
            }
            if (u.Swarm is { } swarm)
            {
                sb.Append('\n').Append(Swarm(swarm));
            }
        }
        if (u.Door == Hub.Domain.Imports.Doors.Extension)
        {
            sb.Append("\n🌐 Sent from your browser"); // shown in a linked chat (LinkedJobs): why a job came that was not sent here
        }
        if (origin is not null)
        {
            sb.Append('\n').Append(NewFrom(origin));
        }
        sb.Append("\nJob ").Append(Texts.ShortId(u.JobId));
        return sb.ToString();
    }

    /// <summary>A torrent's swarm in one line: "👥 5 peers (2 seeding) · ↑ 40 KB/s", or "🌱 Seeding to 3 peers · ↑ 1 MB/s".</summary>
    public static string Swarm(JobSwarm s)
    {
        var line = s.Seeding
            ? $"🌱 Seeding to {s.Peers} {(s.Peers == 1 ? "peer" : "peers")}"
            : $"👥 {s.Peers} {(s.Peers == 1 ? "peer" : "peers")} ({s.Seeders} seeding)";
        return Texts.Speed(s.UploadBps) is { Length: > 0 } up ? line + " · ↑ " + up : line;
    }

    /// <summary>"📡 New from {subscription}": why a job the person did not send appeared in their chat.</summary>
    public static string NewFrom(string subscription) => "📡 New from " + Texts.Trim(subscription, 100);

    /// <summary>Approve (into the library it was classified into) and Reject, as /inbox decides an item.</summary>
    public static InlineKeyboardMarkup ReviewButtons(Guid jobId) => new([[
        InlineKeyboardButton.WithCallbackData("✅ Approve", CallbackData.Build("ia", CallbackData.Id(jobId))),
        InlineKeyboardButton.WithCallbackData("✖ Reject", CallbackData.Build("ir", CallbackData.Id(jobId))),
    ]]);

    public static InlineKeyboardMarkup? RunningButtons(JobUpdate u) => JobStates.IsTerminal(u.State) || u.CancelRequested ? null
        : new InlineKeyboardMarkup([[InlineKeyboardButton.WithCallbackData("✖ Cancel", CallbackData.Build("jc", CallbackData.Id(u.JobId)))]]);

    /// <summary>The result, in Telegram HTML: the title is the stream link (every remote text escaped).</summary>
    public static string Finished(Job job, Entry? entry, string? libraryName, string? streamUrl, bool forAdmin = false)
    {
        var title = Texts.Trim(entry?.Title ?? job.Title ?? job.Source ?? "your import", 200);
        var html = BotSender.Html(title);
        switch (job.State)
        {
            case JobStates.Completed when entry is not null:
                var sb = new StringBuilder();
                var outcome = Outcome(job);
                sb.Append(outcome?.Duplicate == true ? "✅ Already in the library: " : "✅ Done: ")
                    .Append(streamUrl is null ? html : BotSender.Link(streamUrl, title));
                sb.Append("\nLibrary: ").Append(BotSender.Html(libraryName ?? "?")).Append(" · ").Append(Texts.Size(entry.SizeBytes));
                if (entry.DurationSeconds is { } d)
                {
                    sb.Append(" · ").Append(Texts.Duration(d));
                }
                return sb.ToString();
            case JobStates.Completed when job.Kind == ScanService.Kind:
                return "✅ Done: " + html + (Scanned(job) is { } summary ? "\n" + BotSender.Html(summary.Text) : "");
            case JobStates.Completed:
                return "✅ Done: " + html + (Outcome(job)?.Message is { } m ? "\n" + BotSender.Html(m) : "");
            case JobStates.Cancelled:
                return "✖ Cancelled: " + html;
            default:
                return "❌ Failed: " + html + "\n" + BotSender.Html(UserErrors.Describe(job.ErrorKind, job.Error, forAdmin));
        }
    }

    /// <summary>"Send me the file" when it fits and was not sent already.</summary>
    public static InlineKeyboardMarkup? FinishedButtons(Job job, Entry? entry, long uploadLimit, bool fileSent = false) =>
        job.State == JobStates.Completed && entry is not null && !fileSent ? Commands.LibraryCommand.FileButton(entry.Id, entry.SizeBytes, uploadLimit) : null;

    public static bool IsDuplicate(Job job) => Outcome(job)?.Duplicate == true;

    private static ScanSummary? Scanned(Job job)
    {
        try
        {
            return job.Result?.Deserialize<ScanSummary>(JobJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ImportOutcome? Outcome(Job job) => ImportOutcome.Of(job);
}

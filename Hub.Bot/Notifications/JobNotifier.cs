using System.Collections.Concurrent;
using Hub.Bot.Receiving;
using Hub.Bot.Telegram;
using Hub.Domain;
using Hub.Domain.Access;
using Hub.Domain.Entries;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types.ReplyMarkups;

namespace Hub.Bot.Notifications;

/// <summary>
/// Keeps each bot job's message current. Every job with a message is followed through <see cref="JobFollower"/> (the
/// one domain primitive for "a job's live states until terminal", shared with SSE, MCP and the CLI); this class only
/// renders: it edits the message at most once per <see cref="TelegramOptions.ProgressEditInterval"/> while the job
/// runs (the newest state wins), and at once when it ends, with the result. Jobs whose messages were still open when
/// the last process stopped are followed again at start. A follower costs one task and one filtered subscription per
/// open bot job (and a row read per quiet <see cref="Recheck"/>), bounded by the imports people are waiting on.
/// </summary>
public sealed class JobNotifier(IServiceProvider services, JobMessages messages, BotSender sender, BotStartup startup, EntryLinks links,
    EntryMedia media, IOptions<TelegramOptions> options, TimeProvider time, ILogger<JobNotifier> logger) : BackgroundService
{
    /// <summary>Live updates come by notification; this re-read only covers a missed one.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    // Resolved on first use, not in the constructor: hosted services are built before the database has started.
    private JobFollower Follower => services.GetRequiredService<JobFollower>();
    private JobQueue Queue => services.GetRequiredService<JobQueue>();
    private LibraryService Libraries => services.GetRequiredService<LibraryService>();
    private IDbContextFactory<HubDbContext> DbFactory => services.GetRequiredService<IDbContextFactory<HubDbContext>>();

    private readonly ConcurrentDictionary<Guid, Task> _following = new();
    private readonly ConcurrentDictionary<Guid, JobUpdate> _latest = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastEdit = new();
    private readonly ConcurrentDictionary<Guid, byte> _silenced = new();
    private readonly ConcurrentDictionary<Guid, string> _titles = new();
    private readonly ConcurrentDictionary<Task, byte> _uploads = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private int _disposed;

    /// <summary>
    /// Starts following a job whose message now exists (its current state is shown at once); a no-op if followed already.
    /// <paramref name="knownTitle"/> is what the message showed so far (the link or file name): shown until a better one comes.
    /// </summary>
    public void Follow(Guid jobId, string? knownTitle = null)
    {
        if (knownTitle is not null)
        {
            _titles.TryAdd(jobId, knownTitle);
        }
        if (Volatile.Read(ref _disposed) == 1 || _stop.IsCancellationRequested)
        {
            return;
        }
        var started = new TaskCompletionSource();
        var task = _following.GetOrAdd(jobId, _ => started.Task);
        if (task != started.Task)
        {
            return;
        }
        _ = FollowAsync(jobId, _stop.Token).ContinueWith(t =>
        {
            _following.TryRemove(new KeyValuePair<Guid, Task>(jobId, started.Task));
            started.TrySetResult();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Stops showing one person's jobs (they were blocked): each open message says it stopped, loses its buttons and
    /// gets no further edit, so no result and no link reach that chat.
    /// </summary>
    public async Task<int> SilenceAsync(long userId, CancellationToken cancellationToken)
    {
        var open = await messages.OpenOfUserAsync(userId, cancellationToken).ConfigureAwait(false);
        foreach (var m in open)
        {
            _silenced[m.JobId] = 0;
        }
        foreach (var m in open)
        {
            const string text = "✖ Stopped: this import was cancelled.";
            await messages.SaveAsync(m with { LastText = text, Finished = true }, cancellationToken).ConfigureAwait(false);
            try
            {
                await sender.EditAsync(m.ChatId, m.MessageId, text, null, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiRequestException ex)
            {
                logger.LogInformation("Could not mark job {JobId}'s message stopped: {Error}", m.JobId, ex.Message);
            }
        }
        return open.Count;
    }

    /// <summary>Jobs followed right now (for tests and diagnostics).</summary>
    public int Following => _following.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        await startup.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        try
        {
            foreach (var open in await messages.OpenAsync(stoppingToken).ConfigureAwait(false))
            {
                Follow(open.JobId);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not catch up open job messages");
        }
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _wake.WaitAsync(Tick, stoppingToken).ConfigureAwait(false);
                await FlushAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_following.Values.Concat(_uploads.Keys)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown's time is up; the followers stop with the process.
        }
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        // Disposed twice: once as a singleton, once as the hosted service the same instance is registered as.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stop.Cancel();
            _stop.Dispose();
        }
        base.Dispose();
    }

    private async Task FollowAsync(Guid jobId, CancellationToken stop)
    {
        try
        {
            var first = true;
            await foreach (var u in Follower.FollowAsync(jobId, Recheck, stop).ConfigureAwait(false))
            {
                // The first state is shown at once: updates may have come before the message was tracked.
                Offer(u, force: first);
                first = false;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (HubNotFoundException)
        {
            // The job was deleted: there is nothing more to show.
        }
        catch (Exception ex)
        {
            logger.LogWarning("Stopped following job {JobId}: {Error}", jobId, ex.Message);
        }
    }

    private void Offer(JobUpdate u, bool force)
    {
        _latest.AddOrUpdate(u.JobId, u, (_, old) => !force && old.At > u.At && !u.IsFinal ? old : u);
        if (force)
        {
            _lastEdit.TryRemove(u.JobId, out _);
        }
        _wake.Release();
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = new List<JobUpdate>();
        foreach (var (jobId, u) in _latest)
        {
            var last = _lastEdit.GetValueOrDefault(jobId);
            if ((u.IsFinal || now - last >= options.Value.ProgressEditInterval) && _latest.TryRemove(new KeyValuePair<Guid, JobUpdate>(jobId, u)))
            {
                _lastEdit[jobId] = now;
                due.Add(u);
            }
        }
        // Different chats go out in parallel; the scheduler keeps each chat's limits.
        await Task.WhenAll(due.Select(u => ShowAsync(u, cancellationToken))).ConfigureAwait(false);
    }

    private async Task ShowAsync(JobUpdate u, CancellationToken cancellationToken)
    {
        try
        {
            var message = _silenced.ContainsKey(u.JobId) ? null : await messages.FindAsync(u.JobId, cancellationToken).ConfigureAwait(false);
            if (message is null || message.Finished)
            {
                return;
            }
            string text;
            InlineKeyboardMarkup? buttons;
            Entry? fileToSend = null;
            if (u.IsFinal)
            {
                (text, buttons, fileToSend) = await FinishedAsync(u.JobId, message.UserId, cancellationToken).ConfigureAwait(false);
                if (message.Origin is { } origin)
                {
                    text += "\n" + BotSender.Html(JobText.NewFrom(origin));
                }
                _titles.TryRemove(u.JobId, out _);
                _lastEdit.TryRemove(u.JobId, out _);
            }
            else
            {
                text = JobText.Running(u, await BestTitleAsync(u, cancellationToken).ConfigureAwait(false), message.Origin);
                // A followed subscription's item waiting in the inbox: an admin decides it here, as in /inbox.
                buttons = u.State == JobStates.AwaitingReview && message.Origin is not null && await IsAdminAsync(message.UserId, cancellationToken).ConfigureAwait(false)
                    ? JobText.ReviewButtons(u.JobId)
                    : JobText.RunningButtons(u);
            }
            if (text == message.LastText && !u.IsFinal)
            {
                return;
            }
            var messageId = message.MessageId;
            // Results are HTML (titles linked); running states are plain text.
            try
            {
                await sender.EditAsync(message.ChatId, messageId, text, buttons, cancellationToken, html: u.IsFinal).ConfigureAwait(false);
            }
            catch (ApiRequestException ex) when (ex.IsMessageGone())
            {
                messageId = (await sender.SendAsync(message.ChatId, text, buttons, cancellationToken, html: u.IsFinal).ConfigureAwait(false)).MessageId;
            }
            await messages.SaveAsync(message with { MessageId = messageId, LastText = text, Finished = u.IsFinal }, cancellationToken).ConfigureAwait(false);
            if (fileToSend is not null)
            {
                StartFileSend(message.ChatId, fileToSend, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not update the message of job {JobId}: {Error}", u.JobId, ex.Message);
        }
    }

    private async Task<bool> IsAdminAsync(long userId, CancellationToken cancellationToken)
    {
        await using var db = await DbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.TelegramId == userId, cancellationToken).ConfigureAwait(false);
        return contact?.IsAdmin == true;
    }

    /// <summary>
    /// The title a running job's message shows only ever improves: the newest title the job has (probe, file metadata),
    /// else the best one shown before, else the link or file name it was asked for; never back to "your import".
    /// </summary>
    private async Task<string?> BestTitleAsync(JobUpdate u, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(u.Title))
        {
            _titles[u.JobId] = u.Title;
            return u.Title;
        }
        if (_titles.TryGetValue(u.JobId, out var known))
        {
            return known;
        }
        var job = await Queue.GetAsync(u.JobId, cancellationToken).ConfigureAwait(false);
        var fallback = job.Title ?? job.Source;
        if (fallback is not null)
        {
            _titles.TryAdd(u.JobId, fallback);
        }
        return fallback;
    }

    /// <summary>
    /// Sends the file on its own task, after the result it follows: its upload, and the wait (up to 15 s) for a
    /// thumbnail still being made, must not hold up the progress edits of other chats, which a flush sends together.
    /// </summary>
    private void StartFileSend(long chatId, Entry entry, CancellationToken cancellationToken)
    {
        var send = SendFileAsync(chatId, entry, cancellationToken);
        _uploads.TryAdd(send, 0);
        _ = send.ContinueWith(t => _uploads.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The media itself after its result, for people who chose files; a failed upload still leaves the link.</summary>
    private async Task SendFileAsync(long chatId, Entry entry, CancellationToken cancellationToken)
    {
        try
        {
            await media.SendAsync(chatId, entry, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiRequestException ex)
        {
            logger.LogInformation("Could not send entry {EntryId} into chat {ChatId}: {Error}", entry.Id, chatId, ex.Message);
            sender.Post(chatId, "I couldn't send the file itself; the link above plays it.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not send entry {EntryId} into chat {ChatId}", entry.Id, chatId);
        }
    }

    private async Task<(string, InlineKeyboardMarkup?, Entry?)> FinishedAsync(Guid jobId, long holder, CancellationToken cancellationToken)
    {
        var job = await Queue.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (job.EntryId is null && await PlaylistAsync(job, holder, cancellationToken).ConfigureAwait(false) is { } playlist)
        {
            return (playlist, null, null);
        }
        Entry? entry = null;
        string? libraryName = null;
        if (job.EntryId is { } entryId)
        {
            await using var db = await DbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            entry = await db.Entries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId, cancellationToken).ConfigureAwait(false);
            libraryName = entry is null ? null : (await Libraries.GetAsync(entry.LibraryId, cancellationToken).ConfigureAwait(false)).Name;
        }
        var forAdmin = (await services.GetRequiredService<Hub.Domain.Access.ContactService>().FindAsync(holder, cancellationToken).ConfigureAwait(false))?.IsAdmin == true;
        var url = entry is null ? null : await links.StreamUrlAsync(entry.Id, holder, cancellationToken).ConfigureAwait(false);
        var text = JobText.Finished(job, entry, libraryName, url, forAdmin) + (url is not null && links.LocalOnly ? "\n" + BotSender.Html(EntryLinks.LocalOnlyNote) : "");
        var personal = await services.GetRequiredService<PersonalSettingsStore>().GetAsync(holder, cancellationToken).ConfigureAwait(false);
        var send = job.State == JobStates.Completed && entry is not null && personal.SendFiles && media.Fits(entry) ? entry : null;
        return (text, JobText.FinishedButtons(job, entry, options.Value.UploadLimitBytes, fileSent: send is not null), send);
    }

    /// <summary>A playlist's or batch's result, item by item; null for a job without children.</summary>
    private async Task<string?> PlaylistAsync(Job parent, long holder, CancellationToken cancellationToken)
    {
        var children = (await Queue.ListAsync(new JobFilter { ParentId = parent.Id, Limit = 500 }, cancellationToken).ConfigureAwait(false))
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToList();
        if (children.Count == 0)
        {
            return null;
        }
        var entryIds = children.Where(c => c.EntryId is not null).Select(c => c.EntryId!.Value).ToList();
        await using var db = await DbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var titles = await db.Entries.AsNoTracking().Where(e => entryIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.Title, cancellationToken)
            .ConfigureAwait(false);
        var items = new List<PlaylistText.Item>();
        foreach (var (c, i) in children.Select((c, i) => (c, i)))
        {
            string? url = null;
            if (c.EntryId is { } id && titles.ContainsKey(id) && i < PlaylistText.MaxListed)
            {
                url = await links.StreamUrlAsync(id, holder, cancellationToken).ConfigureAwait(false);
            }
            var title = c.EntryId is { } e && titles.TryGetValue(e, out var t) ? t : c.Title ?? c.Source ?? "item";
            items.Add(new PlaylistText.Item(title, c.State, JobText.IsDuplicate(c), url));
        }
        return PlaylistText.Finished(parent, items);
    }
}

using System.Collections.Concurrent;
using Hub.Bot.Receiving;
using Hub.Bot.Telegram;
using Hub.Domain.Entries;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Bot.Notifications;

/// <summary>
/// Keeps each bot job's message current: listens to <see cref="JobUpdates"/> for jobs that came through the bot,
/// edits the job's message at most once per <see cref="TelegramOptions.ProgressEditInterval"/> while it runs (the newest
/// state wins), and at once when it finishes, with the result. Messages of jobs still open at start are caught up.
/// </summary>
public sealed class JobNotifier(JobUpdates updates, IServiceProvider services, JobMessages messages, BotSender sender, BotStartup startup, EntryLinks links,
    IOptions<TelegramOptions> options, TimeProvider time, ILogger<JobNotifier> logger) : BackgroundService
{
    // Resolved on first use, not in the constructor: hosted services are built before the database has started.
    private JobQueue Queue => services.GetRequiredService<JobQueue>();
    private LibraryService Libraries => services.GetRequiredService<LibraryService>();
    private IDbContextFactory<HubDbContext> DbFactory => services.GetRequiredService<IDbContextFactory<HubDbContext>>();

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private readonly ConcurrentDictionary<Guid, JobUpdate> _latest = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastEdit = new();
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Shows a job's current state now (after its message was created, in case updates came first).</summary>
    public async Task RefreshAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var job = await Queue.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        Offer(JobUpdate.From(job, time.GetUtcNow()), force: true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        // Subscribe first, so nothing published while catching up is missed.
        using var subscription = updates.Subscribe(u => u.Door == Doors.Bot);
        await startup.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        try
        {
            foreach (var open in await messages.OpenAsync(stoppingToken).ConfigureAwait(false))
            {
                await RefreshAsync(open.JobId, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not catch up open job messages");
        }
        var reading = ReadAsync(subscription, stoppingToken);
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
        await reading.ConfigureAwait(false);
    }

    private async Task ReadAsync(JobSubscription subscription, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var u in subscription.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                Offer(u, force: false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
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
            var message = await messages.FindAsync(u.JobId, cancellationToken).ConfigureAwait(false);
            if (message is null || message.Finished)
            {
                return;
            }
            string text;
            InlineKeyboardMarkup? buttons;
            if (u.IsFinal)
            {
                var job = await Queue.GetAsync(u.JobId, cancellationToken).ConfigureAwait(false);
                Entry? entry = null;
                string? libraryName = null;
                if (job.EntryId is { } entryId)
                {
                    await using var db = await DbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
                    entry = await db.Entries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId, cancellationToken).ConfigureAwait(false);
                    libraryName = entry is null ? null : (await Libraries.GetAsync(entry.LibraryId, cancellationToken).ConfigureAwait(false)).Name;
                }
                text = JobText.Finished(job, entry, libraryName, entry is null ? null : await links.StreamUrlAsync(entry.Id, cancellationToken).ConfigureAwait(false));
                buttons = JobText.FinishedButtons(job, entry, options.Value.UploadLimitBytes);
                _lastEdit.TryRemove(u.JobId, out _);
            }
            else
            {
                text = JobText.Running(u, null);
                buttons = JobText.RunningButtons(u);
            }
            if (text == message.LastText && !u.IsFinal)
            {
                return;
            }
            var messageId = message.MessageId;
            try
            {
                await sender.EditAsync(message.ChatId, messageId, text, buttons, cancellationToken).ConfigureAwait(false);
            }
            catch (TelegramApiException ex) when (ex.IsMessageGone)
            {
                messageId = (await sender.SendAsync(message.ChatId, text, buttons, cancellationToken).ConfigureAwait(false)).MessageId;
            }
            await messages.SaveAsync(message with { MessageId = messageId, LastText = text, Finished = u.IsFinal }, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not update the message of job {JobId}: {Error}", u.JobId, ex.Message);
        }
    }
}

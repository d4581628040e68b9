using System.Security.Cryptography;
using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Net;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Notifications;

public sealed record WebhookInput(string? Name, string? Url, IReadOnlyList<string>? Events, string? Format, string? Secret, bool? Enabled);

/// <summary>
/// Webhook targets (admin only, at every door that offers them) and their delivery log. A target's URL must pass the
/// network guard when it is saved (private addresses refused unless allowed) and again when each delivery connects.
/// </summary>
public sealed class WebhookService(IDbContextFactory<HubDbContext> dbFactory, UrlGuard guard, JobQueue queue, TimeProvider time)
{
    public const int MaxTargets = 50;

    public async Task<IReadOnlyList<Webhook>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.Webhooks.AsNoTracking().OrderBy(w => w.Name).ToListAsync(ct).ConfigureAwait(false);
    }

    public async Task<Webhook> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.Webhooks.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct).ConfigureAwait(false)
            ?? throw new HubNotFoundException("webhook", $"There is no webhook {id}.");
    }

    public async Task<Webhook> CreateAsync(WebhookInput input, string? createdBy, CancellationToken ct)
    {
        var hook = new Webhook
        {
            Id = Guid.CreateVersion7(),
            Name = Name(input.Name) ?? throw new HubValidationException("name", "Give the webhook a name."),
            Url = await CheckUrlAsync(input.Url ?? throw new HubValidationException("url", "Give the URL to POST to."), ct).ConfigureAwait(false),
            Events = Events(input.Events) ?? [.. WebhookEvents.All],
            Format = Format(input.Format) ?? WebhookFormats.Json,
            Secret = Secret(input.Secret) ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
            Enabled = input.Enabled ?? true,
            CreatedBy = createdBy,
            CreatedAt = time.GetUtcNow(),
            UpdatedAt = time.GetUtcNow(),
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        if (await db.Webhooks.CountAsync(ct).ConfigureAwait(false) >= MaxTargets)
        {
            throw new HubConflictException("too-many-webhooks", $"Hub keeps at most {MaxTargets} webhooks; delete one first.");
        }
        db.Webhooks.Add(hook);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return hook;
    }

    public async Task<Webhook> UpdateAsync(Guid id, WebhookInput input, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var hook = await db.Webhooks.FirstOrDefaultAsync(w => w.Id == id, ct).ConfigureAwait(false)
            ?? throw new HubNotFoundException("webhook", $"There is no webhook {id}.");
        if (input.Name is not null) hook.Name = Name(input.Name) ?? throw new HubValidationException("name", "The name cannot be empty.");
        if (input.Url is not null) hook.Url = await CheckUrlAsync(input.Url, ct).ConfigureAwait(false);
        if (input.Events is not null) hook.Events = Events(input.Events)!;
        if (input.Format is not null) hook.Format = Format(input.Format)!;
        if (input.Secret is not null) hook.Secret = Secret(input.Secret)!;
        if (input.Enabled is { } enabled) hook.Enabled = enabled;
        hook.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return hook;
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        if (await db.Webhooks.Where(w => w.Id == id).ExecuteDeleteAsync(ct).ConfigureAwait(false) == 0)
        {
            throw new HubNotFoundException("webhook", $"There is no webhook {id}.");
        }
    }

    /// <summary>The newest delivery attempts to one target.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(Guid id, int limit, CancellationToken ct)
    {
        await GetAsync(id, ct).ConfigureAwait(false);
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.WebhookDeliveries.AsNoTracking().Where(d => d.WebhookId == id).OrderByDescending(d => d.Id)
            .Take(Math.Clamp(limit, 1, 500)).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>"Send test": a test event to this target, delivered (and retried, and logged) like any other.</summary>
    public async Task<Job> SendTestAsync(Guid id, CancellationToken ct)
    {
        var hook = await GetAsync(id, ct).ConfigureAwait(false);
        return await EnqueueAsync(hook, new WebhookMessage(WebhookEvents.Test, time.GetUtcNow(), null, null), null, ct).ConfigureAwait(false);
    }

    /// <summary>One durable delivery job per (target, event, job): however many processes saw the event, it is sent once.</summary>
    public Task<Job> EnqueueAsync(Webhook hook, WebhookMessage message, Guid? jobId, CancellationToken ct) =>
        queue.EnqueueAsync(new NewJob(WebhookDeliveryHandler.Kind, JobQueues.Notify, "system")
        {
            Title = $"{message.Event} → {hook.Name}",
            Request = new WebhookDeliveryRequest(hook.Id, message, jobId),
            MaxAttempts = WebhookDeliveryHandler.MaxAttempts,
            IdempotencyKey = jobId is { } j ? $"webhook:{hook.Id:N}:{message.Event}:{j:N}" : null,
        }, ct);

    private async Task<string> CheckUrlAsync(string url, CancellationToken ct)
    {
        try
        {
            var uri = UrlGuard.Parse(url);
            await guard.EnsureAllowedAsync(uri, ct).ConfigureAwait(false);
            return uri.AbsoluteUri;
        }
        catch (ImportFailedException ex)
        {
            throw new HubValidationException("url", ex.Message);
        }
    }

    private static string? Name(string? name) =>
        string.IsNullOrWhiteSpace(name) ? null : name.Trim().Length <= 100 ? TextInput.Check(name.Trim(), "name")! : throw new HubValidationException("name", "Keep the name under 100 characters.");

    private static List<string>? Events(IReadOnlyList<string>? events)
    {
        if (events is null) return null;
        var unknown = events.Where(e => !WebhookEvents.All.Contains(e)).ToList();
        if (unknown.Count > 0 || events.Count == 0)
        {
            throw new HubValidationException("events", $"Events are one or more of {string.Join(", ", WebhookEvents.All)}" + (unknown.Count > 0 ? $" (not {string.Join(", ", unknown)})." : "."));
        }
        return [.. events.Distinct()];
    }

    private static string? Format(string? format) => format is null ? null
        : WebhookFormats.All.Contains(format.Trim().ToLowerInvariant()) ? format.Trim().ToLowerInvariant()
        : throw new HubValidationException("format", $"The format is one of {string.Join(", ", WebhookFormats.All)}.");

    private static string? Secret(string? secret) => secret is null ? null
        : secret.Length is >= 16 and <= 200 ? secret
        : throw new HubValidationException("secret", "A secret has 16 to 200 characters (or leave it out and Hub makes one).");
}

/// <summary>What a delivery job carries: the target, and the message as it was when the event happened.</summary>
public sealed record WebhookDeliveryRequest(Guid WebhookId, WebhookMessage Message, Guid? JobId);

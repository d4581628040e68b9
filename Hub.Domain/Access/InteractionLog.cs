using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Access;

public sealed record InteractionFilter
{
    public long? TelegramId { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 50;
}

public sealed record InteractionPage(IReadOnlyList<Interaction> Items, int Total, int Page, int PageSize);

/// <summary>The audit log of the bot: who did what, and the result.</summary>
public sealed class InteractionLog(IDbContextFactory<HubDbContext> dbFactory, TimeProvider time)
{
    private const int MaxText = 1000;

    public async Task RecordAsync(long telegramId, string kind, string? text, string result, CancellationToken cancellationToken)
    {
        var line = Line(telegramId, kind, text, result);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        db.Interactions.Add(line);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A line as <see cref="RecordAsync"/> would write it (kind checked, texts capped, stamped now), for a caller that
    /// writes it together with its own record in one commit (the bot's update ledger).
    /// </summary>
    public Interaction Line(long telegramId, string kind, string? text, string result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!InteractionKinds.IsValid(kind))
        {
            throw new HubValidationException("kind", $"Unknown interaction kind '{kind}'.");
        }
        return new Interaction
        {
            TelegramId = telegramId,
            Kind = kind,
            Text = text is { Length: > MaxText } ? text[..MaxText] : text,
            Result = result.Length > MaxText ? result[..MaxText] : result,
            At = time.GetUtcNow(),
        };
    }

    /// <summary>Newest first, filtered by user and time range.</summary>
    public async Task<InteractionPage> ListAsync(InteractionFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.Page < 1)
        {
            throw new HubValidationException("page", "Pages start at 1.");
        }
        if (filter.PageSize is < 1 or > 500)
        {
            throw new HubValidationException("pageSize", "The page size is 1 to 500.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var q = db.Interactions.AsNoTracking();
        if (filter.TelegramId is { } who)
        {
            q = q.Where(i => i.TelegramId == who);
        }
        if (filter.From is { } from)
        {
            q = q.Where(i => i.At >= from);
        }
        if (filter.To is { } to)
        {
            q = q.Where(i => i.At < to);
        }
        var total = await q.CountAsync(cancellationToken).ConfigureAwait(false);
        var items = await q.OrderByDescending(i => i.At).ThenByDescending(i => i.Id)
            .Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new InteractionPage(items, total, filter.Page, filter.PageSize);
    }
}

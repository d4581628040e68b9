using System.Globalization;

namespace Hub.Domain.Scheduling;

/// <summary>
/// Recurring work, declared once: which job to enqueue and how wide a time slot is. Every firing in the same slot, from
/// any number of processes, makes one job: its idempotency key is the kind and the slot (<c>maintenance:2026-12-01T19:00</c>).
/// Give <see cref="Slot"/> the cadence the scheduler fires it at.
/// </summary>
public sealed record ScheduledJob(string Kind, string Queue, string Title, TimeSpan Slot)
{
    /// <summary>
    /// The slot a firing at <paramref name="now"/> belongs to: the nearest slot start, so processes whose clocks differ
    /// by less than half a slot (one fires at 18:59:59.9, another at 19:00:00.2) agree on it.
    /// </summary>
    public DateTimeOffset SlotOf(DateTimeOffset now)
    {
        var ticks = now.UtcTicks + Slot.Ticks / 2;
        return new DateTimeOffset(ticks - ticks % Slot.Ticks, TimeSpan.Zero);
    }

    public string KeyFor(DateTimeOffset slot) => $"{Kind}:{slot.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture)}";
}

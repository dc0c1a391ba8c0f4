using LiveShop.Core.Orders;

namespace LiveShop.Core.Events;

/// <summary>Puts the events a document's new state raises into its outbox, each event once (by its stable id).</summary>
public static class OutboxStaging
{
    public const int MaxRecent = 32;
    public const int MaxRaised = 64;
    public static readonly TimeSpan Keep = TimeSpan.FromDays(1);

    /// <param name="derived">Every event the new state implies (<see cref="DomainEventCatalog"/>), raised before or not.</param>
    /// <returns>The outbox to write (the current one when nothing is new) and the events raised now.</returns>
    public static (EventOutbox? Outbox, IReadOnlyList<DomainEvent> Raised) Stage(EventOutbox? current, IEnumerable<DomainEvent> derived, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(derived);
        var raised = current?.Raised ?? [];
        var fresh = derived.Where(e => !raised.Contains(e.Id, StringComparer.Ordinal)).ToList();
        if (fresh.Count == 0)
        {
            return (current, []);
        }

        var recent = (current?.Recent ?? []).Where(e => e.Time > now - Keep).Concat(fresh).TakeLast(MaxRecent).ToList();
        return (new EventOutbox(recent, raised.Concat(fresh.Select(e => e.Id)).TakeLast(MaxRaised).ToList(), now), fresh);
    }
}

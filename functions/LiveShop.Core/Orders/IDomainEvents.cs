namespace LiveShop.Core.Orders;

/// <summary>
/// Publishes domain events (CloudEvents on Event Grid in Azure). At least once: an event may be published twice, so
/// it carries a stable id consumers deduplicate on.
/// </summary>
public interface IDomainEvents
{
    Task PublishAsync(DomainEvent domainEvent, CancellationToken cancellationToken);
}

/// <param name="Id">Stable for the fact it reports (e.g. the order id and the event type).</param>
/// <param name="Type">The CloudEvents type, e.g. LiveShop.Orders.Paid.</param>
/// <param name="Subject">What it is about, e.g. merchants/m1/orders/ord_....</param>
public sealed record DomainEvent(string Id, string Type, string Subject, DateTimeOffset Time, object Data);

/// <summary>The domain event types.</summary>
public static class DomainEventTypes
{
    public const string OrderPaid = "LiveShop.Orders.Paid";
}

namespace LiveShop.Core.Orders;

/// <summary>
/// Publishes domain events (CloudEvents on Event Grid in Azure). At least once: an event may be published twice, so
/// it carries a stable id consumers deduplicate on. Services do not call this directly: the outbox
/// (<see cref="Events.OutboxPublisher"/>) does, for events written with the state change they report.
/// </summary>
public interface IDomainEvents
{
    Task PublishAsync(DomainEvent domainEvent, CancellationToken cancellationToken);
}

/// <param name="Id">Stable for the fact it reports (e.g. the order id and the event type).</param>
/// <param name="Type">The CloudEvents type (<see cref="DomainEventTypes"/>).</param>
/// <param name="Subject">What it is about, always merchants/{merchantId}/...: merchants/m1/orders/ord_....</param>
public sealed record DomainEvent(string Id, string Type, string Subject, DateTimeOffset Time, object Data)
{
    /// <summary>The merchant named by the subject (merchants/{merchantId}/...), or null.</summary>
    public string? MerchantId => MerchantOf(Subject);

    public static string? MerchantOf(string? subject) =>
        subject is not null && subject.StartsWith("merchants/", StringComparison.Ordinal) && subject.Split('/') is { Length: >= 2 } parts && parts[1].Length > 0
            ? parts[1]
            : null;
}

/// <summary>The domain event types (CloudEvents "type"): stable, documented in docs/events.md.</summary>
public static class DomainEventTypes
{
    public const string OrderCreated = "liveshop.order.created";
    public const string OrderPaid = "liveshop.order.paid";
    public const string OrderCancelled = "liveshop.order.cancelled";
    public const string OrderRefunded = "liveshop.order.refunded";
    public const string StreamStarted = "liveshop.stream.started";
    public const string StreamEnded = "liveshop.stream.ended";
    public const string ProductPinned = "liveshop.product.pinned";
    public const string StockSoldOut = "liveshop.stock.sold_out";
    public const string FlashSaleStarted = "liveshop.flash_sale.started";
    public const string FlashSaleEnded = "liveshop.flash_sale.ended";

    /// <summary>The CloudEvents source of every domain event.</summary>
    public const string Source = "/liveshop";

    public static IReadOnlyList<string> All { get; } =
    [
        OrderCreated, OrderPaid, OrderCancelled, OrderRefunded, StreamStarted, StreamEnded, ProductPinned, StockSoldOut,
        FlashSaleStarted, FlashSaleEnded,
    ];
}

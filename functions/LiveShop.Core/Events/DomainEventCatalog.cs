using LiveShop.Core.Catalog;
using LiveShop.Core.Orders;
using LiveShop.Core.Sales;
using LiveShop.Core.Streams;

namespace LiveShop.Core.Events;

/// <summary>
/// The domain events a stored state implies, each with an id stable for the fact it reports (the aggregate's id, the
/// type, and the refund or pin revision): the outbox raises those not raised before, so a retried or repeated write never
/// raises an event twice, and a missed one is raised by the next write of the same document.
/// </summary>
public static class DomainEventCatalog
{
    public static IEnumerable<DomainEvent> Of(Order order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var subject = EventSubjects.Order(order.MerchantId, order.Id);
        yield return new(EventId(order.Id, DomainEventTypes.OrderCreated), DomainEventTypes.OrderCreated, subject, order.CreatedAt, Data(order, null));
        if (order.IsCaptured)
        {
            yield return new(EventId(order.Id, DomainEventTypes.OrderPaid), DomainEventTypes.OrderPaid, subject, order.Payment.CapturedAt ?? order.UpdatedAt, Data(order, null));
        }

        if (order.Status is OrderStatus.Cancelled or OrderStatus.Expired or OrderStatus.PaymentFailed)
        {
            yield return new(EventId(order.Id, DomainEventTypes.OrderCancelled), DomainEventTypes.OrderCancelled, subject, order.UpdatedAt, Data(order, null));
        }

        foreach (var refund in order.Refunds.Where(r => r.State == RefundState.Completed))
        {
            yield return new(
                EventId(order.Id, DomainEventTypes.OrderRefunded, refund.Id), DomainEventTypes.OrderRefunded, subject, refund.CreatedAt,
                Data(order, new OrderEventRefund(refund.Id, EventMoney.From(refund.Amount), refund.Lines, refund.Restock)));
        }
    }

    public static IEnumerable<DomainEvent> Of(LiveStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var subject = EventSubjects.Stream(stream.MerchantId, stream.Id);
        var data = new StreamEventData(stream.Id, stream.MerchantId, stream.Market, stream.Title, stream.StartedAt, stream.EndedAt);
        if (stream.StartedAt is { } started)
        {
            yield return new(EventId(stream.Id, DomainEventTypes.StreamStarted), DomainEventTypes.StreamStarted, subject, started, data);
        }

        if (stream is { Status: StreamStatus.Ended, EndedAt: { } ended })
        {
            yield return new(EventId(stream.Id, DomainEventTypes.StreamEnded), DomainEventTypes.StreamEnded, subject, ended, data);
        }

        if (stream.LastPinEvent is { Action: PinActions.Pinned } pin)
        {
            yield return new(
                EventId(stream.Id, DomainEventTypes.ProductPinned, pin.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                DomainEventTypes.ProductPinned, subject, pin.At,
                new ProductPinnedData(stream.Id, stream.MerchantId, stream.Market, pin.ProductId, pin.SkuId, pin.Revision, pin.At));
        }
    }

    /// <summary>A product's flash sales that started or ended by <paramref name="now"/> (a sale's phase follows the clock).</summary>
    public static IEnumerable<DomainEvent> Of(Product product, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(product);
        foreach (var sale in product.Sales)
        {
            var subject = EventSubjects.FlashSale(product.MerchantId, product.Id, sale.Id);
            var startedAt = sale.CancelledAt is { } c && c <= sale.StartsAt ? (DateTimeOffset?)null : sale.StartsAt;
            if (startedAt is { } at && now >= at)
            {
                yield return new(EventId(sale.Id, DomainEventTypes.FlashSaleStarted), DomainEventTypes.FlashSaleStarted, subject, at, SaleData(product, sale, null));
            }

            if (startedAt is not null && sale.PhaseAt(now) == FlashSalePhase.Ended)
            {
                var endedAt = sale.CancelledAt is { } cancelled && cancelled < sale.EndsAt ? cancelled : sale.EndsAt;
                var reason = sale.CancelledAt is not null && sale.CancelledAt < sale.EndsAt ? "cancelled" : "time";
                yield return new(EventId(sale.Id, DomainEventTypes.FlashSaleEnded), DomainEventTypes.FlashSaleEnded, subject, endedAt, SaleData(product, sale, reason));
            }
        }
    }

    /// <summary>The stock.sold_out event of a SKU (or of a flash sale's allotment), raised once per sell-out.</summary>
    public static DomainEvent SoldOut(string merchantId, string productId, string skuId, string? saleId, string occurrence, DateTimeOffset at) =>
        new(EventId($"{productId}.{skuId}", DomainEventTypes.StockSoldOut, saleId ?? occurrence), DomainEventTypes.StockSoldOut,
            EventSubjects.Sku(merchantId, productId, skuId), at, new StockSoldOutData(merchantId, productId, skuId, saleId, at));

    private const string TypePrefix = "liveshop.";

    private static string EventId(string aggregateId, string type, string? occurrence = null) =>
        occurrence is null ? $"{aggregateId}:{type[TypePrefix.Length..]}" : $"{aggregateId}:{type[TypePrefix.Length..]}:{occurrence}";

    private static FlashSaleEventData SaleData(Product product, FlashSale sale, string? endedReason) =>
        new(sale.Id, product.MerchantId, product.Id, sale.SkuId, sale.StreamId, EventMoney.From(sale.DealPrice), sale.StartsAt, sale.EndsAt, endedReason);

    private static OrderEventData Data(Order order, OrderEventRefund? refund) => new(
        order.Id,
        order.MerchantId,
        order.BuyerId,
        order.Market,
        EventNames.Of(order.Status),
        EventMoney.From(order.Amounts.Total),
        EventMoney.From(order.Payment.Refunded),
        order.Lines.Select(l => new OrderEventLine(l.Number, l.ProductId, l.SkuId, l.Quantity, EventMoney.From(l.UnitPrice), l.SaleId, l.StreamId, l.RefundedQuantity)).ToList(),
        refund);
}

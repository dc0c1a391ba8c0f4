using LiveShop.Core.Orders;

namespace LiveShop.Core.Events;

/// <summary>An amount in an event: integer minor units and the ISO 4217 code.</summary>
public sealed record EventMoney(long MinorUnits, string Currency)
{
    public static EventMoney From(Money.Money money) => new(money.MinorUnits, money.Currency.Code);
}

public sealed record OrderEventLine(int Number, string ProductId, string SkuId, long Quantity, EventMoney UnitPrice, string? SaleId, string? StreamId, long RefundedQuantity);

/// <summary>The data of the order events (order.created, order.paid, order.cancelled, order.refunded).</summary>
/// <param name="Status">The order's status when the event was raised (snake_case).</param>
/// <param name="Refund">For order.refunded: the refund this event reports.</param>
public sealed record OrderEventData(
    string OrderId,
    string MerchantId,
    string BuyerId,
    string Market,
    string Status,
    EventMoney Total,
    EventMoney Refunded,
    IReadOnlyList<OrderEventLine> Lines,
    OrderEventRefund? Refund);

public sealed record OrderEventRefund(string RefundId, EventMoney Amount, IReadOnlyDictionary<int, long> Lines, bool Restock);

/// <summary>The data of stream.started and stream.ended.</summary>
public sealed record StreamEventData(string StreamId, string MerchantId, string Market, string Title, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt);

/// <summary>The data of product.pinned.</summary>
public sealed record ProductPinnedData(string StreamId, string MerchantId, string Market, string ProductId, string? SkuId, long Revision, DateTimeOffset PinnedAt);

/// <summary>The data of flash_sale.started and flash_sale.ended.</summary>
public sealed record FlashSaleEventData(
    string SaleId, string MerchantId, string ProductId, string SkuId, string StreamId, EventMoney DealPrice, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? EndedReason);

/// <summary>The data of stock.sold_out.</summary>
public sealed record StockSoldOutData(string MerchantId, string ProductId, string SkuId, string? SaleId, DateTimeOffset At);

/// <summary>Subjects: always merchants/{merchantId}/{resource}/{id}.</summary>
public static class EventSubjects
{
    public static string Order(string merchantId, string orderId) => $"merchants/{merchantId}/orders/{orderId}";

    public static string Stream(string merchantId, string streamId) => $"merchants/{merchantId}/streams/{streamId}";

    public static string Product(string merchantId, string productId) => $"merchants/{merchantId}/products/{productId}";

    public static string Sku(string merchantId, string productId, string skuId) => $"merchants/{merchantId}/products/{productId}/skus/{skuId}";

    public static string FlashSale(string merchantId, string productId, string saleId) => $"merchants/{merchantId}/products/{productId}/sales/{saleId}";
}

/// <summary>Wire names of order statuses in events.</summary>
internal static class EventNames
{
    public static string Of(OrderStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());
}

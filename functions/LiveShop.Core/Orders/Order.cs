using System.Text.Json.Serialization;
using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.Core.Storage;

namespace LiveShop.Core.Orders;

/// <summary>
/// A buyer's order of one merchant's products, created by a checkout (same id) once its stock is reserved. Stored in
/// the orders container (partition key: merchantId, so a merchant's orders list from one partition). Every change is a
/// guarded transition written under the order's ETag: a capture and a cancellation racing each other cannot both win.
/// </summary>
public sealed record Order(
    string Id,
    string MerchantId,
    string BuyerId,
    string Market,
    IReadOnlyList<OrderLine> Lines,
    OrderAmounts Amounts,
    OrderStatus Status,
    OrderPayment Payment,
    IReadOnlyList<OrderRefund> Refunds,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt) : IDocument, Events.IHasOutbox
{
    [JsonIgnore]
    public string PartitionKey => MerchantId;

    /// <summary>The domain events its recent changes raised (written with them; see <see cref="Events.EventOutbox"/>).</summary>
    public Events.EventOutbox? Outbox { get; init; }

    /// <summary>Before capture: the payment is not taken yet, so the order can still be cancelled.</summary>
    [JsonIgnore]
    public bool IsOpen => Status is OrderStatus.PendingPayment or OrderStatus.AwaitingPaymentAction;

    [JsonIgnore]
    public bool IsCaptured => Status is OrderStatus.Paid or OrderStatus.PartiallyRefunded or OrderStatus.Refunded;

    /// <summary>The next state of the payment: waiting for the customer's action (3-D Secure).</summary>
    public Order AwaitingAction(DateTimeOffset now) =>
        Status == OrderStatus.PendingPayment ? this with { Status = OrderStatus.AwaitingPaymentAction, UpdatedAt = now } : this;

    /// <summary>The viewer asks to cancel: only before capture. Null when already asked or cancelled (nothing to write).</summary>
    public Order? RequestCancel(DateTimeOffset now) => Status switch
    {
        OrderStatus.PendingPayment or OrderStatus.AwaitingPaymentAction => this with { Status = OrderStatus.CancelRequested, UpdatedAt = now },
        OrderStatus.CancelRequested or OrderStatus.Cancelled => null,
        OrderStatus.Capturing or OrderStatus.Paid or OrderStatus.PartiallyRefunded or OrderStatus.Refunded =>
            throw LiveShopException.Conflict("Order paid", $"Order '{Id}' is paid (or being captured); ask the merchant for a refund instead."),
        _ => throw LiveShopException.Conflict("Order closed", $"Order '{Id}' is {Status.ToString().ToLowerInvariant()} and cannot be cancelled."),
    };

    /// <summary>The last step before the money is taken: null when a cancellation came first (the checkout must not capture).</summary>
    public Order? BeginCapture(DateTimeOffset now) => Status switch
    {
        OrderStatus.PendingPayment or OrderStatus.AwaitingPaymentAction => this with { Status = OrderStatus.Capturing, UpdatedAt = now },
        OrderStatus.Capturing or OrderStatus.Paid => this,
        _ => null,
    };

    public Order Paid(DateTimeOffset now) =>
        Status == OrderStatus.Capturing ? this with { Status = OrderStatus.Paid, Payment = Payment with { CapturedAt = now }, UpdatedAt = now } : this;

    /// <summary>Closes an order that was never paid (declined, expired, cancelled, failed); a paid order stays paid.</summary>
    public Order Closed(OrderStatus status, DateTimeOffset now) =>
        IsCaptured || Status == status ? this : this with { Status = status, UpdatedAt = now };

    public OrderLine Line(int number) =>
        Lines.FirstOrDefault(l => l.Number == number) ?? throw LiveShopException.NotFound("Order line", number.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <param name="Number">The line's number in its order, from 1.</param>
/// <param name="HoldId">The stock hold the line's units were reserved under.</param>
/// <param name="SaleId">The flash sale whose price the line got, if any.</param>
/// <param name="SoldFrom">The stock shards the line's units were held on (and so sold from), as its reservation answered;
/// absent on orders made before it was recorded.</param>
public sealed record OrderLine(
    int Number,
    string ProductId,
    string SkuId,
    string Title,
    IReadOnlyDictionary<string, string> Attributes,
    long Quantity,
    Money.Money UnitPrice,
    Money.Money RegularUnitPrice,
    string? SaleId,
    string? StreamId,
    string HoldId,
    long RefundedQuantity,
    IReadOnlyList<Stock.HeldUnits>? SoldFrom = null)
{
    [JsonIgnore]
    public Money.Money Total => UnitPrice * Quantity;

    public SkuRef Sku(string merchantId) => new(merchantId, ProductId, SkuId);
}

/// <param name="Tax">The tax in the total (included in prices, or added); zero where it is calculated elsewhere.</param>
public sealed record OrderAmounts(Money.Money Subtotal, Money.Money Discount, Money.Money Tax, Money.Money Total);

/// <param name="PaymentId">The provider's id of the payment (a PaymentIntent), once authorized.</param>
public sealed record OrderPayment(string Provider, string? PaymentId, DateTimeOffset? AuthorizedAt, DateTimeOffset? CapturedAt, Money.Money Refunded);

/// <param name="Lines">Units refunded per line number.</param>
/// <param name="Restock">Whether the refunded units go back on sale.</param>
/// <param name="Restocks">With <paramref name="Restock"/>: per line number, the shards its units go back to, decided once
/// (when the refund is recorded, under the order's ETag) so that every attempt of the refund puts back the same units.</param>
public sealed record OrderRefund(
    string Id,
    IReadOnlyDictionary<int, long> Lines,
    Money.Money Amount,
    bool Restock,
    RefundState State,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<int, IReadOnlyList<Stock.HeldUnits>>? Restocks = null)
{
    /// <summary>Every unit of <paramref name="line"/> this refund puts back, by shard (none without restock).</summary>
    public IEnumerable<Stock.HeldUnits> RestocksOf(int line) =>
        Restocks?.GetValueOrDefault(line) ?? [];
}

public enum RefundState
{
    Pending,
    Completed,
}

public enum OrderStatus
{
    PendingPayment,
    AwaitingPaymentAction,
    CancelRequested,
    Capturing,
    Paid,
    PartiallyRefunded,
    Refunded,
    Cancelled,
    Expired,
    PaymentFailed,
}

using LiveShop.Core.Catalog;
using LiveShop.Core.Markets;

namespace LiveShop.Core.Orders;

/// <summary>An order as the API shows it. Statuses are snake_case words (pending_payment, paid, partially_refunded...).</summary>
public sealed record OrderView(
    string Id,
    string MerchantId,
    string BuyerId,
    string Market,
    string Status,
    IReadOnlyList<OrderLineView> Lines,
    OrderAmountsView Amounts,
    OrderPaymentView Payment,
    IReadOnlyList<OrderRefundView> Refunds,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static OrderView From(Order order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var market = MarketRegistry.Get(order.Market);
        MoneyView Show(Money.Money m) => MoneyView.From(m, market);
        return new(
            order.Id,
            order.MerchantId,
            order.BuyerId,
            order.Market,
            StatusName(order.Status),
            order.Lines.Select(l => new OrderLineView(
                l.Number, l.ProductId, l.SkuId, l.Title, l.Attributes, l.Quantity, l.RefundedQuantity,
                Show(l.UnitPrice), Show(l.RegularUnitPrice), Show(l.Total), l.SaleId, l.StreamId)).ToList(),
            new OrderAmountsView(Show(order.Amounts.Subtotal), Show(order.Amounts.Discount), Show(order.Amounts.Tax), Show(order.Amounts.Total), Show(order.Payment.Refunded)),
            new OrderPaymentView(order.Payment.Provider, order.Payment.AuthorizedAt, order.Payment.CapturedAt),
            order.Refunds.Select(r => new OrderRefundView(
                r.Id, r.Lines.Select(l => new RefundLineInput(l.Key, l.Value)).ToList(), Show(r.Amount), r.Restock,
                r.State.ToString().ToLowerInvariant(), r.CreatedAt)).ToList(),
            order.CreatedAt,
            order.UpdatedAt);
    }

    /// <summary>pending_payment, awaiting_payment_action, cancel_requested, capturing, paid, partially_refunded, refunded, cancelled, expired, payment_failed.</summary>
    public static string StatusName(OrderStatus status) => Snake(status.ToString());

    internal static string Snake(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : string.Empty) + char.ToLowerInvariant(c) : c.ToString()));
}

public sealed record OrderLineView(
    int Number,
    string ProductId,
    string SkuId,
    string Title,
    IReadOnlyDictionary<string, string> Attributes,
    long Quantity,
    long RefundedQuantity,
    MoneyView UnitPrice,
    MoneyView RegularUnitPrice,
    MoneyView LineTotal,
    string? SaleId,
    string? StreamId);

public sealed record OrderAmountsView(MoneyView Subtotal, MoneyView Discount, MoneyView Tax, MoneyView Total, MoneyView Refunded);

public sealed record OrderPaymentView(string Provider, DateTimeOffset? AuthorizedAt, DateTimeOffset? CapturedAt);

public sealed record OrderRefundView(string Id, IReadOnlyList<RefundLineInput> Lines, MoneyView Amount, bool Restock, string State, DateTimeOffset CreatedAt);

public sealed record OrderPageView(IReadOnlyList<OrderView> Items, string? ContinuationToken);

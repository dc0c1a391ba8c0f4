using LiveShop.Core.Catalog;
using LiveShop.Core.Markets;
using LiveShop.Core.Orders;

namespace LiveShop.Core.Checkout;

/// <summary>
/// Where a checkout stands: "pending", "awaiting_payment_action" (the buyer must complete <see cref="NextActionUrl"/>),
/// "paid", or "rejected" with a <see cref="Rejection"/>. While awaiting the action, <see cref="NextActionUrl"/> is where
/// to send the buyer when the provider gives a redirect, and <see cref="PaymentClientSecret"/> what the buyer's app
/// completes it with in the provider's SDK (Stripe.js handleNextAction) (reason out_of_stock, sale_sold_out, sale_limit_reached,
/// unavailable, payment_declined, payment_unavailable, expired or cancelled).
/// </summary>
public sealed record CheckoutView(
    string Id,
    string Status,
    string OrderId,
    bool HasOrder,
    string Market,
    string MerchantId,
    string Source,
    IReadOnlyList<CheckoutItem> Items,
    MoneyView? Total,
    string? NextActionUrl,
    string? PaymentClientSecret,
    CheckoutRejection? Rejection,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static CheckoutView From(Checkout checkout)
    {
        ArgumentNullException.ThrowIfNull(checkout);
        var market = MarketRegistry.Get(checkout.Market);
        return new(
            checkout.Id,
            OrderView.Snake(checkout.Status.ToString()),
            checkout.OrderId,
            checkout.HasOrder,
            checkout.Market,
            checkout.MerchantId,
            OrderView.Snake(checkout.Source.ToString()),
            checkout.Items,
            checkout.Total is { } total ? MoneyView.From(total, market) : null,
            checkout.NextActionUrl,
            checkout.PaymentClientSecret,
            checkout.Rejection,
            checkout.CreatedAt,
            checkout.UpdatedAt);
    }
}

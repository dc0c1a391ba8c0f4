using LiveShop.Core.Catalog;
using LiveShop.Core.Markets;
using LiveShop.Core.Pricing;

namespace LiveShop.Core.Carts;

/// <summary>
/// A cart as the shopper sees it, priced now: each line's unit price (the flash-sale price while it applies), whether
/// it changed since the line was added, availability, and totals by the market's tax rules.
/// </summary>
/// <param name="Version">The cart's ETag (send it as If-Match to change exactly this version); null for a cart never written.</param>
public sealed record CartView(
    string Market,
    string Currency,
    string? Version,
    bool Guest,
    IReadOnlyList<CartLineView> Lines,
    long ItemCount,
    CartTotalsView Totals,
    DateTimeOffset? ExpiresAt);

/// <param name="Problem">Why the line cannot be bought ("unavailable": the product or SKU is gone or archived); then it has no price and no part in the totals.</param>
public sealed record CartLineView(
    string LineId,
    string MerchantId,
    string ProductId,
    string SkuId,
    string? StreamId,
    string? Title,
    IReadOnlyDictionary<string, string>? Attributes,
    string? ImageUrl,
    long Quantity,
    MoneyView? UnitPrice,
    MoneyView? RegularUnitPrice,
    MoneyView AddedUnitPrice,
    bool PriceChanged,
    MoneyView? LineTotal,
    MoneyView? Discount,
    CartLineSaleView? FlashSale,
    AvailabilityView Availability,
    string? Problem);

/// <param name="Applied">Whether the deal price applies to this line now.</param>
/// <param name="RemainingForYou">Units the shopper may still buy in the sale, beyond what they already bought.</param>
public sealed record CartLineSaleView(
    string SaleId,
    string State,
    MoneyView DealPrice,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    int PerCustomerLimit,
    long RemainingForYou,
    bool Applied);

/// <param name="Available">Units available to buy now.</param>
/// <param name="InStock">Whether any unit is available.</param>
/// <param name="Sufficient">Whether the line's whole quantity is available.</param>
public sealed record AvailabilityView(long Available, bool InStock, bool Sufficient);

public sealed record CartTotalsView(MoneyView Subtotal, MoneyView Discount, TaxView Tax, MoneyView Total)
{
    public static CartTotalsView From(Totals totals, Market market)
    {
        ArgumentNullException.ThrowIfNull(totals);
        return new(
            MoneyView.From(totals.Subtotal, market),
            MoneyView.From(totals.Discount, market),
            TaxView.From(totals.Tax, market),
            MoneyView.From(totals.Total, market));
    }
}

/// <param name="Treatment">"included" (part of the prices), "added" (on top, at the configured rate) or "calculatedAtCheckout".</param>
/// <param name="Amount">The tax; null when calculated at checkout.</param>
public sealed record TaxView(string Name, int RateBasisPoints, string Treatment, MoneyView? Amount)
{
    public static TaxView From(TaxLine tax, Market market)
    {
        ArgumentNullException.ThrowIfNull(tax);
        var treatment = tax.Treatment switch
        {
            TaxTreatment.Included => "included",
            TaxTreatment.Added => "added",
            _ => "calculatedAtCheckout",
        };
        return new(tax.Name, tax.RateBasisPoints, treatment, tax.Amount is { } amount ? MoneyView.From(amount, market) : null);
    }
}

/// <summary>What a cart change answers: the new version, the line changed (null once removed) and the item count.</summary>
public sealed record CartChangeView(string Market, string? Version, CartLineChangeView? Line, long ItemCount, int LineCount);

public sealed record CartLineChangeView(string LineId, string MerchantId, string ProductId, string SkuId, long Quantity, string? StreamId);

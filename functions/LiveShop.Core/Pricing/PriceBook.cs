using System.Globalization;
using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.Core.Markets;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;

namespace LiveShop.Core.Pricing;

/// <summary>
/// The price rules the cart and checkout share. A line bought from the live stream a flash sale was defined in (a LIVE
/// flash sale is stream-only: a line from no stream or another stream is a regular purchase) costs the sale's deal
/// price while the sale is active, has
/// units left for the whole line, and the buyer stays within the sale's per-customer limit (counting what they already
/// bought in it), and while the deal is still below the regular price (a merchant may cut the regular price during a
/// sale); otherwise its regular price. Totals follow the market: tax included in prices (UK VAT, SG GST...) is
/// shown as the part of the total that is tax; where prices exclude tax (US) a configured rate is added, and without
/// one tax is "calculated at checkout".
/// </summary>
/// <remarks>
/// Rounding: line amounts are exact (unit price x quantity in integer minor units). Tax is computed once, on the total
/// after discounts, and rounded half away from zero to the currency's minor unit (ISO 4217 exponent: 2 for GBP, 0 for
/// VND): included tax = total x rate / (1 + rate); added tax = total x rate.
/// </remarks>
public static class PriceBook
{
    /// <summary>
    /// The most an order (or a cart) may cost, in minor units: the dearest price a SKU may have
    /// (<see cref="ProductRules.MaxPriceMinorUnits"/>). Within it every money computation fits a long with room to
    /// spare; a cart or checkout past it is refused with 422 (<see cref="TotalTooLarge"/>) before anything is written.
    /// </summary>
    public const long MaxTotalMinorUnits = ProductRules.MaxPriceMinorUnits;

    /// <summary>What a refusal for a total past <see cref="MaxTotalMinorUnits"/> is called (problem title and checkout rejection reason).</summary>
    public const string TotalTooLarge = "total_too_large";

    /// <summary>
    /// The sum of unit price x quantity over <paramref name="lines"/>, in 128 bits (never overflows: any number of lines
    /// of any long amounts); compare it with <see cref="MaxTotalMinorUnits"/>.
    /// </summary>
    public static Int128 Sum(IEnumerable<(Money.Money Unit, long Quantity)> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        Int128 sum = 0;
        foreach (var (unit, quantity) in lines)
        {
            sum += (Int128)unit.MinorUnits * quantity;
        }

        return sum;
    }

    /// <summary>422 <see cref="TotalTooLarge"/> when the lines would cost more than <see cref="MaxTotalMinorUnits"/>.</summary>
    public static void EnsureWithinMaxTotal(Market market, IEnumerable<(Money.Money Unit, long Quantity)> lines, string what)
    {
        ArgumentNullException.ThrowIfNull(market);
        if (Sum(lines) is var sum && sum > MaxTotalMinorUnits)
        {
            throw TooLarge(market, sum, what);
        }
    }

    /// <summary>The refusal of a total past <see cref="MaxTotalMinorUnits"/>, saying both amounts.</summary>
    public static LiveShopException TooLarge(Market market, Int128 sum, string what)
    {
        ArgumentNullException.ThrowIfNull(market);
        return LiveShopException.Unprocessable(TotalTooLarge, TooLargeDetail(market, sum, what));
    }

    /// <summary>Why a total past <see cref="MaxTotalMinorUnits"/> is refused, in the buyer's currency.</summary>
    public static string TooLargeDetail(Market market, Int128 sum, string what)
    {
        ArgumentNullException.ThrowIfNull(market);
        var max = new Money.Money(MaxTotalMinorUnits, market.Currency);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{what} would cost {sum} minor units of {market.Currency.Code}; an order may cost at most {max} ({MaxTotalMinorUnits} minor units) ({TotalTooLarge}). Buy fewer units or split the order.");
    }

    /// <summary>The unit price that applies to <paramref name="quantity"/> units of the SKU bought from <paramref name="streamId"/> now.</summary>
    /// <param name="streamId">The live stream the line or buy-now is from (null: none); only that stream's sale applies.</param>
    /// <param name="stock">The SKU's stock as read (null when unknown: then a sale is assumed to have units left).</param>
    /// <param name="boughtInSale">Units of the stream's open sale of the SKU the buyer already bought (or holds in checkouts).</param>
    public static LinePrice Line(Product product, Sku sku, string? streamId, long quantity, DateTimeOffset now, StockLevel? stock, long boughtInSale)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentNullException.ThrowIfNull(sku);
        var sale = product.OpenSaleIn(sku.Id, streamId, now);
        var applies = sale is not null
            && sale.PhaseAt(now) == FlashSalePhase.Active
            && sale.DealPrice.CompareTo(sku.Price) < 0
            && (stock is null || stock.UnitsLeftIn(sale) >= quantity)
            && boughtInSale + quantity <= sale.PerCustomerLimit;
        return applies ? new LinePrice(sale!.DealPrice, sku.Price, sale) : new LinePrice(sku.Price, sku.Price, null);
    }

    /// <summary>Subtotal at regular prices, flash-sale discounts, tax as the market shows it, and the grand total.</summary>
    public static Totals Total(Market market, IEnumerable<(LinePrice Price, long Quantity)> lines)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(lines);
        var subtotal = Money.Money.Zero(market.Currency);
        var discount = Money.Money.Zero(market.Currency);
        foreach (var (price, quantity) in lines)
        {
            // Within the input bounds (50 lines of 99 units at most 10^12 each) these sums fit; the tax is computed
            // in 128 bits. Carts and checkouts refuse totals past MaxTotalMinorUnits before they are written.
            subtotal += price.Regular * quantity;
            discount += price.Discount * quantity;
        }

        var net = subtotal - discount;
        if (market.PricesIncludeTax)
        {
            return new Totals(subtotal, discount, new TaxLine(market.TaxName, market.TaxRateBasisPoints, TaxTreatment.Included, net.IncludedTax(market.TaxRateBasisPoints)), net);
        }

        if (market.TaxRateBasisPoints > 0)
        {
            var tax = net.ExclusiveTax(market.TaxRateBasisPoints);
            return new Totals(subtotal, discount, new TaxLine(market.TaxName, market.TaxRateBasisPoints, TaxTreatment.Added, tax), net + tax);
        }

        return new Totals(subtotal, discount, new TaxLine(market.TaxName, 0, TaxTreatment.CalculatedAtCheckout, null), net);
    }
}

/// <summary>The unit price that applies now, the regular one, and the flash sale that gives the difference.</summary>
public sealed record LinePrice(Money.Money Unit, Money.Money Regular, FlashSale? Sale)
{
    /// <summary>What the sale takes off each unit.</summary>
    public Money.Money Discount => Regular - Unit;
}

/// <param name="Subtotal">The lines at their regular prices.</param>
/// <param name="Discount">What flash sales take off.</param>
/// <param name="Tax">How tax shows in this market.</param>
/// <param name="Total">What the buyer pays.</param>
public sealed record Totals(Money.Money Subtotal, Money.Money Discount, TaxLine Tax, Money.Money Total);

/// <param name="Amount">The tax in the total; null when it is calculated at checkout.</param>
public sealed record TaxLine(string Name, int RateBasisPoints, TaxTreatment Treatment, Money.Money? Amount);

public enum TaxTreatment
{
    /// <summary>Prices include the tax; the amount is the part of the total that is tax.</summary>
    Included,

    /// <summary>Prices exclude tax; the amount at the configured rate is added to the total.</summary>
    Added,

    /// <summary>Prices exclude tax and no rate is configured: the tax is worked out at checkout.</summary>
    CalculatedAtCheckout,
}

using System.Globalization;
using LiveShop.Core.Money;

namespace LiveShop.Core.Markets;

/// <summary>A market the product sells in: its currency, locale, how prices relate to tax, and what one buyer may hold in open checkouts.</summary>
public sealed record Market(
    string Code,
    string Name,
    Currency Currency,
    CultureInfo Culture,
    bool PricesIncludeTax,
    int TaxRateBasisPoints,
    string TaxName,
    CheckoutLimits CheckoutLimits)
{
    public Money.Money Amount(long minorUnits) => new(minorUnits, Currency);

    public string Format(Money.Money amount) => amount.Format(Culture);
}

/// <summary>
/// What one buyer may hold in unpaid (open) checkouts of one market at once, so that nobody can keep a SKU's stock from
/// other buyers with checkouts left waiting (a card's 3-D Secure step holds the units until the payment action times
/// out). A flash sale's per-customer limit applies on top, to the sale's units.
/// </summary>
/// <param name="UnitsPerSku">Units of one SKU over all the buyer's open checkouts.</param>
/// <param name="UnitsTotal">Units of all SKUs over all the buyer's open checkouts.</param>
/// <param name="CheckoutsPerSku">Open checkouts that have a line of one SKU.</param>
/// <param name="CheckoutsTotal">Open checkouts.</param>
/// <param name="FlashSalePaymentActionMinutes">
/// How long a checkout with a flash-sale line waits for the buyer's payment action (3-D Secure) before it expires and
/// gives its units back: shorter than the usual wait (never longer), as a sale lasts minutes.
/// </param>
public sealed record CheckoutLimits(int UnitsPerSku, int UnitsTotal, int CheckoutsPerSku, int CheckoutsTotal, int FlashSalePaymentActionMinutes);

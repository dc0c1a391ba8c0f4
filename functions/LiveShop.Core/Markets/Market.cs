using System.Globalization;
using LiveShop.Core.Money;

namespace LiveShop.Core.Markets;

/// <summary>A market the product sells in: its currency, locale and how prices relate to tax.</summary>
public sealed record Market(
    string Code,
    string Name,
    Currency Currency,
    CultureInfo Culture,
    bool PricesIncludeTax,
    int TaxRateBasisPoints,
    string TaxName)
{
    public Money.Money Amount(long minorUnits) => new(minorUnits, Currency);

    public string Format(Money.Money amount) => amount.Format(Culture);
}

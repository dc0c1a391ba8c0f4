using LiveShop.Core.Markets;

namespace LiveShop.Core.Catalog;

/// <summary>An amount as the API shows it: minor units and currency (the truth), plus a display string and a decimal string.</summary>
public sealed record MoneyView(long MinorUnits, string Currency, int Exponent, string Amount, string Formatted)
{
    public static MoneyView From(Money.Money money, Market market)
    {
        ArgumentNullException.ThrowIfNull(market);
        return new(money.MinorUnits, money.Currency.Code, money.Currency.Exponent, money.ToMajorUnitString(), market.Format(money));
    }
}

public sealed record SkuView(string SkuId, IReadOnlyDictionary<string, string> Attributes, MoneyView Price, long StockOnHand, bool InStock);

public sealed record ProductView(
    string Id,
    string MerchantId,
    string Market,
    string Title,
    string Description,
    IReadOnlyList<string> ImageUrls,
    IReadOnlyList<SkuView> Skus,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ProductView From(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        var market = MarketRegistry.Get(product.Market);
        return new(
            product.Id,
            product.MerchantId,
            product.Market,
            product.Title,
            product.Description,
            product.ImageUrls,
            product.Skus.Select(s => new SkuView(s.Id, s.Attributes, MoneyView.From(s.Price, market), s.StockOnHand, s.StockOnHand > 0)).ToList(),
            product.Status.ToString().ToLowerInvariant(),
            product.CreatedAt,
            product.UpdatedAt);
    }
}

public sealed record ProductPageView(IReadOnlyList<ProductView> Items, string? ContinuationToken);

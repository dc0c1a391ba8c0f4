using LiveShop.Core.Catalog;
using LiveShop.Core.Markets;
using LiveShop.Core.Sales;

namespace LiveShop.UnitTests.Builders;

/// <summary>Domain records made by hand (no service, no store), for rules that are pure functions of them.</summary>
public static class Records
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The live stream <see cref="NewSale"/> defines its sales in (its deal applies only to purchases from it).</summary>
    public const string StreamId = "str_1";

    /// <summary>An active product of merchant m1 with one SKU "sku-1" in the market's currency.</summary>
    public static Product NewProduct(string market = "us", long priceMinorUnits = 1999, long stockOnHand = 50, string id = "prd_1") =>
        new(
            id,
            Shop.MerchantId,
            market,
            "Linen shirt",
            "Breathable summer shirt.",
            ["https://cdn.example.com/shirt.jpg"],
            [new Sku("sku-1", new Dictionary<string, string>(), MarketRegistry.Get(market).Amount(priceMinorUnits), stockOnHand)],
            ProductStatus.Active,
            Now,
            Now);

    /// <summary>A sale of "sku-1" at <paramref name="dealMinorUnits"/> in the product's currency from <paramref name="startsAt"/> for <paramref name="seconds"/>.</summary>
    public static FlashSale NewSale(
        Product product,
        long dealMinorUnits,
        DateTimeOffset startsAt,
        int seconds = 600,
        long allotment = 10,
        int perCustomerLimit = 3,
        string id = "fls_1",
        DateTimeOffset? cancelledAt = null)
    {
        ArgumentNullException.ThrowIfNull(product);
        return new(
            id,
            StreamId,
            "sku-1",
            MarketRegistry.Get(product.Market).Amount(dealMinorUnits),
            allotment,
            perCustomerLimit,
            startsAt,
            startsAt.AddSeconds(seconds),
            startsAt.AddSeconds(-30),
            cancelledAt);
    }

    /// <summary>The product with its SKU's declared stock changed (as a merchant's replace would: a later UpdatedAt).</summary>
    public static Product WithStock(this Product product, long stockOnHand)
    {
        ArgumentNullException.ThrowIfNull(product);
        return product with { Skus = [product.Skus[0] with { StockOnHand = stockOnHand }], UpdatedAt = product.UpdatedAt.AddSeconds(1) };
    }

    /// <summary>The product with these sales, newest last.</summary>
    public static Product WithSales(this Product product, params FlashSale[] sales)
    {
        ArgumentNullException.ThrowIfNull(product);
        return product with { Sales = sales };
    }

    public static Sku Sku(this Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        return product.Skus[0];
    }
}

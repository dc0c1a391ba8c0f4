using LiveShop.Core.Catalog;
using LiveShop.Core.Sales;

namespace LiveShop.UnitTests.Builders;

/// <summary>
/// A valid flash-sale input by default for SKU "sku-1" of a product: 999 USD cents, 10 units, 2 per customer, starting
/// 30 seconds after the given time for 600 seconds. Each With... changes one thing.
/// </summary>
public sealed class FlashSaleInputBuilder
{
    private readonly DateTimeOffset _now;
    private string? _productId;
    private string? _skuId = "sku-1";
    private MoneyInput? _dealPrice = new(999, "USD");
    private long? _allotment = 10;
    private int? _perCustomerLimit = 2;
    private DateTimeOffset? _startsAt;
    private int? _durationSeconds = 600;

    private FlashSaleInputBuilder(string? productId, DateTimeOffset now)
    {
        _productId = productId;
        _now = now;
        _startsAt = now.AddSeconds(30);
    }

    public static FlashSaleInputBuilder For(string? productId, DateTimeOffset now) => new(productId, now);

    public FlashSaleInputBuilder ForProduct(string? productId)
    {
        _productId = productId;
        return this;
    }

    public FlashSaleInputBuilder ForSku(string? skuId)
    {
        _skuId = skuId;
        return this;
    }

    public FlashSaleInputBuilder WithDealPrice(long? minorUnits, string? currency = "USD")
    {
        _dealPrice = new MoneyInput(minorUnits, currency);
        return this;
    }

    public FlashSaleInputBuilder WithoutDealPrice()
    {
        _dealPrice = null;
        return this;
    }

    public FlashSaleInputBuilder WithAllotment(long? allotment)
    {
        _allotment = allotment;
        return this;
    }

    public FlashSaleInputBuilder WithPerCustomerLimit(int? limit)
    {
        _perCustomerLimit = limit;
        return this;
    }

    /// <summary>Starts this many seconds after the time the builder was made with.</summary>
    public FlashSaleInputBuilder StartingIn(double seconds)
    {
        _startsAt = _now.AddSeconds(seconds);
        return this;
    }

    public FlashSaleInputBuilder StartingAt(DateTimeOffset? startsAt)
    {
        _startsAt = startsAt;
        return this;
    }

    public FlashSaleInputBuilder Lasting(int? seconds)
    {
        _durationSeconds = seconds;
        return this;
    }

    public FlashSaleInput Build() => new(_productId, _skuId, _dealPrice, _allotment, _perCustomerLimit, _startsAt, _durationSeconds);
}

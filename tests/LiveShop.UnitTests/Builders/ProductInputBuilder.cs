using LiveShop.Core.Catalog;
using LiveShop.Core.Markets;

namespace LiveShop.UnitTests.Builders;

/// <summary>A valid product input by default (market us, one USD sku); each With... changes one thing.</summary>
public sealed class ProductInputBuilder
{
    private readonly List<Func<string, SkuInput>> _skus = [];
    private string? _market = "us";
    private string? _title = "Linen shirt";
    private string? _description = "Breathable summer shirt.";
    private IReadOnlyList<string>? _imageUrls = ["https://cdn.example.com/shirt.jpg"];
    private bool _noSkus;

    public static ProductInputBuilder For(string? market) => new ProductInputBuilder().InMarket(market);

    public ProductInputBuilder InMarket(string? market)
    {
        _market = market;
        return this;
    }

    public ProductInputBuilder WithTitle(string? title)
    {
        _title = title;
        return this;
    }

    public ProductInputBuilder WithDescription(string? description)
    {
        _description = description;
        return this;
    }

    public ProductInputBuilder WithImageUrls(params string[]? urls)
    {
        _imageUrls = urls;
        return this;
    }

    /// <summary>Adds a sku; its currency defaults to the market's.</summary>
    public ProductInputBuilder WithSku(
        string? skuId = "sku-1",
        long? minorUnits = 1999,
        string? currency = null,
        long? stockOnHand = 5,
        IReadOnlyDictionary<string, string>? attributes = null)
    {
        _skus.Add(marketCurrency => new SkuInput(skuId, attributes, new MoneyInput(minorUnits, currency ?? marketCurrency), stockOnHand));
        return this;
    }

    public ProductInputBuilder WithSku(SkuInput? sku)
    {
        _skus.Add(_ => sku!);
        return this;
    }

    public ProductInputBuilder WithSkus(int count)
    {
        for (var i = 0; i < count; i++)
        {
            WithSku($"sku-{i}");
        }

        return this;
    }

    public ProductInputBuilder WithoutSkus()
    {
        _noSkus = true;
        return this;
    }

    public ProductInput Build()
    {
        var currency = MarketRegistry.TryGet(_market, out var market) ? market.Currency.Code : "USD";
        if (_skus.Count == 0 && !_noSkus)
        {
            WithSku();
        }

        return new ProductInput(_market, _title, _description, _imageUrls, _noSkus ? null : _skus.Select(s => s(currency)).ToList());
    }
}

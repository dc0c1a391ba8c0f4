using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.UnitTests.Builders;

namespace LiveShop.UnitTests.Catalog;

public class ProductRulesTests
{
    [Fact]
    public void Validate_ValidInput_ReturnsNormalisedFields()
    {
        var input = ProductInputBuilder.For("uk")
            .WithTitle("  Linen shirt  ")
            .WithSku("shirt-m", 2499, attributes: new Dictionary<string, string> { ["size"] = "M" })
            .Build();

        var valid = ProductRules.Validate(input);

        Assert.Equal("uk", valid.Market.Code);
        Assert.Equal("Linen shirt", valid.Title);
        var sku = Assert.Single(valid.Skus);
        Assert.Equal("shirt-m", sku.Id);
        Assert.Equal(2499, sku.Price.MinorUnits);
        Assert.Equal("GBP", sku.Price.Currency.Code);
        Assert.Equal("M", sku.Attributes["size"]);
    }

    [Fact]
    public void Validate_VndPriceInVnMarket_Passes()
    {
        var valid = ProductRules.Validate(ProductInputBuilder.For("vn").WithSku(minorUnits: 150_000).Build());

        Assert.Equal(150_000, valid.Skus[0].Price.MinorUnits);
        Assert.Equal(0, valid.Skus[0].Price.Currency.Exponent);
    }

    [Fact]
    public void Validate_LimitsExactlyReached_Passes()
    {
        var input = new ProductInputBuilder()
            .WithTitle(new string('t', ProductRules.MaxTitleLength))
            .WithDescription(new string('d', ProductRules.MaxDescriptionLength))
            .WithImageUrls(Enumerable.Range(0, ProductRules.MaxImages).Select(i => $"https://cdn.example.com/{i}.jpg").ToArray())
            .WithSkus(ProductRules.MaxSkus)
            .Build();

        var valid = ProductRules.Validate(input);

        Assert.Equal(ProductRules.MaxSkus, valid.Skus.Count);
    }

    [Fact]
    public void Validate_NullInput_ThrowsValidationOnTheRoot()
    {
        AssertInvalid(null, "$");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("xx")]
    [InlineData("UK")]
    public void Validate_MissingOrUnknownMarket_NamesMarket(string? market)
    {
        AssertInvalid(ProductInputBuilder.For(market).WithSku(currency: "USD").Build(), "market");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("bad\u0007title")]
    public void Validate_MissingBlankOrControlTitle_NamesTitle(string? title)
    {
        AssertInvalid(new ProductInputBuilder().WithTitle(title).Build(), "title");
    }

    [Fact]
    public void Validate_TitleTooLong_NamesTitle()
    {
        AssertInvalid(new ProductInputBuilder().WithTitle(new string('t', ProductRules.MaxTitleLength + 1)).Build(), "title");
    }

    [Theory]
    [InlineData("nul\u0000")]
    [InlineData("\u001b[31mred")]
    public void Validate_ControlCharactersInDescription_NamesDescription(string description)
    {
        AssertInvalid(new ProductInputBuilder().WithDescription(description).Build(), "description");
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../other")]
    [InlineData(".")]
    public void Validate_PathLikeSkuId_NamesTheSkuId(string skuId)
    {
        AssertInvalid(new ProductInputBuilder().WithSku(skuId).Build(), "skus[0].skuId");
    }

    [Fact]
    public void Validate_DescriptionTooLong_NamesDescription()
    {
        AssertInvalid(new ProductInputBuilder().WithDescription(new string('d', ProductRules.MaxDescriptionLength + 1)).Build(), "description");
    }

    [Fact]
    public void Validate_TooManyImages_NamesImageUrls()
    {
        var urls = Enumerable.Range(0, ProductRules.MaxImages + 1).Select(i => $"https://cdn.example.com/{i}.jpg").ToArray();

        AssertInvalid(new ProductInputBuilder().WithImageUrls(urls).Build(), "imageUrls");
    }

    [Theory]
    [InlineData("http://cdn.example.com/a.jpg")]
    [InlineData("ftp://cdn.example.com/a.jpg")]
    [InlineData("/relative/a.jpg")]
    [InlineData("javascript:alert(1)")]
    [InlineData("")]
    public void Validate_ImageUrlNotHttps_NamesTheImage(string url)
    {
        AssertInvalid(new ProductInputBuilder().WithImageUrls("https://cdn.example.com/ok.jpg", url).Build(), "imageUrls[1]");
    }

    [Fact]
    public void Validate_ImageUrlTooLong_NamesTheImage()
    {
        var url = "https://cdn.example.com/" + new string('a', 2048);

        AssertInvalid(new ProductInputBuilder().WithImageUrls(url).Build(), "imageUrls[0]");
    }

    [Fact]
    public void Validate_NoSkus_NamesSkus()
    {
        AssertInvalid(new ProductInputBuilder().WithoutSkus().Build(), "skus");
    }

    [Fact]
    public void Validate_TooManySkus_NamesSkus()
    {
        AssertInvalid(new ProductInputBuilder().WithSkus(ProductRules.MaxSkus + 1).Build(), "skus");
    }

    [Fact]
    public void Validate_NullSku_NamesTheSku()
    {
        AssertInvalid(new ProductInputBuilder().WithSku("a").WithSku((SkuInput?)null).Build(), "skus[1]");
    }

    [Fact]
    public void Validate_DuplicateSkuIds_NamesTheSecond()
    {
        var error = AssertInvalid(new ProductInputBuilder().WithSku("dup").WithSku("other").WithSku("dup").Build(), "skus[2].skuId");

        Assert.Contains("dup", error.Errors!["skus[2].skuId"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/no")]
    public void Validate_BadSkuId_NamesSkuId(string? skuId)
    {
        AssertInvalid(new ProductInputBuilder().WithSku(skuId).Build(), "skus[0].skuId");
    }

    [Fact]
    public void Validate_SkuIdTooLong_NamesSkuId()
    {
        AssertInvalid(new ProductInputBuilder().WithSku(new string('s', 65)).Build(), "skus[0].skuId");
    }

    [Fact]
    public void Validate_CurrencyOtherThanTheMarkets_NamesTheCurrency()
    {
        var error = AssertInvalid(ProductInputBuilder.For("uk").WithSku(currency: "USD").Build(), "skus[0].price.currency");

        Assert.Contains("GBP", error.Errors!["skus[0].price.currency"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("XXX")]
    [InlineData("gbp")]
    public void Validate_MissingOrUnknownCurrency_NamesTheCurrency(string? currency)
    {
        var input = ProductInputBuilder.For("uk").WithSku(new SkuInput("s", null, new MoneyInput(100, currency), 1)).Build();

        AssertInvalid(input, "skus[0].price.currency");
    }

    [Fact]
    public void Validate_MissingPrice_NamesThePrice()
    {
        AssertInvalid(new ProductInputBuilder().WithSku(new SkuInput("s", null, null, 1)).Build(), "skus[0].price");
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(null)]
    [InlineData(ProductRules.MaxPriceMinorUnits + 1)]
    public void Validate_PriceNotPositiveOrTooHigh_NamesMinorUnits(long? minorUnits)
    {
        AssertInvalid(new ProductInputBuilder().WithSku(minorUnits: minorUnits).Build(), "skus[0].price.minorUnits");
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(null)]
    [InlineData(ProductRules.MaxStock + 1)]
    public void Validate_NegativeMissingOrTooMuchStock_NamesStockOnHand(long? stock)
    {
        AssertInvalid(new ProductInputBuilder().WithSku(stockOnHand: stock).Build(), "skus[0].stockOnHand");
    }

    [Fact]
    public void Validate_ZeroStock_Passes()
    {
        var valid = ProductRules.Validate(new ProductInputBuilder().WithSku(stockOnHand: 0).Build());

        Assert.Equal(0, valid.Skus[0].StockOnHand);
    }

    [Fact]
    public void Validate_AttributeNamesEqualAfterTrimming_IsInvalid()
    {
        var attributes = new Dictionary<string, string> { ["size"] = "M", [" size "] = "L" };

        AssertInvalid(new ProductInputBuilder().WithSku(attributes: attributes).Build(), "skus[0].attributes");
    }

    [Fact]
    public void Validate_TooManyAttributes_NamesAttributes()
    {
        var attributes = Enumerable.Range(0, ProductRules.MaxAttributes + 1).ToDictionary(i => $"a{i}", i => "v");

        AssertInvalid(new ProductInputBuilder().WithSku(attributes: attributes).Build(), "skus[0].attributes");
    }

    [Fact]
    public void Validate_AttributeValueTooLong_NamesTheAttribute()
    {
        var attributes = new Dictionary<string, string> { ["size"] = new string('v', ProductRules.MaxAttributeValueLength + 1) };

        AssertInvalid(new ProductInputBuilder().WithSku(attributes: attributes).Build(), "skus[0].attributes.size");
    }

    [Fact]
    public void Validate_AttributeNameTooLong_NamesAttributes()
    {
        var attributes = new Dictionary<string, string> { [new string('n', ProductRules.MaxAttributeNameLength + 1)] = "v" };

        AssertInvalid(new ProductInputBuilder().WithSku(attributes: attributes).Build(), "skus[0].attributes");
    }

    [Fact]
    public void Validate_SeveralErrors_ListsEveryField()
    {
        var input = ProductInputBuilder.For("uk").WithTitle("").WithImageUrls("http://x.example.com").WithSku(minorUnits: 0, stockOnHand: -1).Build();

        var error = Problem.Throws(ErrorKind.Validation, () => ProductRules.Validate(input));

        Assert.Equal(
            ["imageUrls[0]", "skus[0].price.minorUnits", "skus[0].stockOnHand", "title"],
            error.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    private static LiveShopException AssertInvalid(ProductInput? input, string field)
    {
        var error = Problem.Throws(ErrorKind.Validation, () => ProductRules.Validate(input));
        Assert.NotNull(error.Errors);
        Assert.Contains(field, error.Errors.Keys);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        return error;
    }
}

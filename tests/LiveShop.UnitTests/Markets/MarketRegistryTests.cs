using LiveShop.Core.Markets;

namespace LiveShop.UnitTests.Markets;

public class MarketRegistryTests
{
    [Theory]
    [InlineData("us", "USD", 2)]
    [InlineData("uk", "GBP", 2)]
    [InlineData("sg", "SGD", 2)]
    [InlineData("my", "MYR", 2)]
    [InlineData("th", "THB", 2)]
    [InlineData("vn", "VND", 0)]
    [InlineData("id", "IDR", 2)]
    [InlineData("ph", "PHP", 2)]
    public void TryGet_KnownMarket_HasItsCurrencyAndExponent(string code, string currency, int exponent)
    {
        var found = MarketRegistry.TryGet(code, out var market);

        Assert.True(found);
        Assert.Equal(code, market!.Code);
        Assert.Equal(currency, market.Currency.Code);
        Assert.Equal(exponent, market.Currency.Exponent);
    }

    [Fact]
    public void All_HasExactlyTheEightMarkets()
    {
        var codes = MarketRegistry.All.Select(m => m.Code).Order(StringComparer.Ordinal);

        Assert.Equal(["id", "my", "ph", "sg", "th", "uk", "us", "vn"], codes);
    }

    [Fact]
    public void Get_Uk_PricesIncludeVatAt2000BasisPoints()
    {
        var uk = MarketRegistry.Get("uk");

        Assert.True(uk.PricesIncludeTax);
        Assert.Equal(2000, uk.TaxRateBasisPoints);
        Assert.Equal("VAT", uk.TaxName);
        Assert.Equal("en-GB", uk.Culture.Name);
    }

    [Fact]
    public void Get_Us_PricesExcludeTax()
    {
        var us = MarketRegistry.Get("us");

        Assert.False(us.PricesIncludeTax);
    }

    [Fact]
    public void Get_Sg_PricesIncludeGstAt900BasisPoints()
    {
        var sg = MarketRegistry.Get("sg");

        Assert.True(sg.PricesIncludeTax);
        Assert.Equal(900, sg.TaxRateBasisPoints);
        Assert.Equal("GST", sg.TaxName);
    }

    [Theory]
    [InlineData("xx")]
    [InlineData("UK")]
    [InlineData("")]
    [InlineData(null)]
    public void TryGet_UnknownCode_ReturnsFalse(string? code)
    {
        var found = MarketRegistry.TryGet(code, out var market);

        Assert.False(found);
        Assert.Null(market);
    }

    [Fact]
    public void Get_UnknownCode_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => MarketRegistry.Get("xx"));
    }

    [Fact]
    public void Format_VnMarket_ShowsWholeDong()
    {
        var vn = MarketRegistry.Get("vn");

        var text = vn.Format(vn.Amount(1_250_000));

        Assert.Equal("1.250.000 ₫", text.Replace('\u00A0', ' '));
    }
}

using System.Globalization;
using System.Text.Json;
using LiveShop.Core.Money;
using LiveShop.Core.Storage;
using Amount = LiveShop.Core.Money.Money;

namespace LiveShop.UnitTests.Money;

public class MoneyTests
{
    private static readonly Currency Gbp = Currencies.Get("GBP");
    private static readonly Currency Usd = Currencies.Get("USD");
    private static readonly Currency Sgd = Currencies.Get("SGD");
    private static readonly Currency Vnd = Currencies.Get("VND");

    [Fact]
    public void Add_SameCurrency_SumsMinorUnits()
    {
        var sum = new Amount(1999, Gbp) + new Amount(1, Gbp);

        Assert.Equal(new Amount(2000, Gbp), sum);
    }

    [Fact]
    public void Subtract_SameCurrency_CanGoNegative()
    {
        var difference = new Amount(500, Usd) - new Amount(750, Usd);

        Assert.Equal(-250, difference.MinorUnits);
        Assert.Equal(Usd, difference.Currency);
    }

    [Fact]
    public void Multiply_ByQuantity_MultipliesMinorUnits()
    {
        var total = new Amount(150_000, Vnd) * 3;

        Assert.Equal(new Amount(450_000, Vnd), total);
    }

    [Fact]
    public void Add_DifferentCurrencies_ThrowsCurrencyMismatch()
    {
        var pounds = new Amount(100, Gbp);
        var dollars = new Amount(100, Usd);

        var error = Assert.Throws<CurrencyMismatchException>(() => pounds + dollars);

        Assert.Contains("GBP", error.Message, StringComparison.Ordinal);
        Assert.Contains("USD", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Subtract_DifferentCurrencies_ThrowsCurrencyMismatch()
    {
        Assert.Throws<CurrencyMismatchException>(() => new Amount(100, Sgd) - new Amount(100, Usd));
    }

    [Fact]
    public void CompareTo_DifferentCurrencies_ThrowsCurrencyMismatch()
    {
        Assert.Throws<CurrencyMismatchException>(() => new Amount(100, Vnd).CompareTo(new Amount(100, Usd)));
    }

    [Fact]
    public void Add_PastLongMaxValue_ThrowsOverflow()
    {
        Assert.Throws<OverflowException>(() => new Amount(long.MaxValue, Usd) + new Amount(1, Usd));
    }

    [Fact]
    public void Subtract_PastLongMinValue_ThrowsOverflow()
    {
        Assert.Throws<OverflowException>(() => new Amount(long.MinValue, Usd) - new Amount(1, Usd));
    }

    [Fact]
    public void Multiply_PastLongMaxValue_ThrowsOverflow()
    {
        Assert.Throws<OverflowException>(() => new Amount(long.MaxValue / 2, Usd) * 3);
    }

    [Theory]
    [InlineData(long.MaxValue / 1000)]
    [InlineData(long.MaxValue)]
    [InlineData(4_653_000_000_000_000)] // 47 lines of 99 units at 10^12: the cart that answered 500
    public void IncludedAndExclusiveTax_AmountsWhoseProductWithTheRateOverflowsALong_ComputedExactly(long minorUnits)
    {
        var included = new Amount(minorUnits, Gbp).IncludedTax(2000);
        var added = new Amount(minorUnits / 2, Usd).ExclusiveTax(900);

        Assert.Equal((long)Math.Round((decimal)minorUnits * 2000 / 12000, MidpointRounding.AwayFromZero), included.MinorUnits);
        Assert.Equal((long)Math.Round((decimal)(minorUnits / 2) * 900 / 10000, MidpointRounding.AwayFromZero), added.MinorUnits);
    }

    [Theory]
    [InlineData(1999, 2000, 333)] // UK VAT 20%: 1999 * 2000 / 12000 = 333.17 -> 333
    [InlineData(1200, 2000, 200)] // exact
    [InlineData(1090, 900, 90)] // SG GST 9%: exact
    [InlineData(1999, 900, 165)] // 1999 * 900 / 10900 = 165.06 -> 165
    [InlineData(109, 900, 9)] // 109 * 900 / 10900 = 9 exactly
    [InlineData(6, 2000, 1)] // 6 * 2000 / 12000 = 1
    [InlineData(3, 2000, 1)] // 0.5 -> 1 (half away from zero)
    [InlineData(-3, 2000, -1)] // -0.5 -> -1 (half away from zero)
    [InlineData(2, 2000, 0)] // 0.33 -> 0
    [InlineData(1999, 0, 0)]
    public void IncludedTax_RoundsHalfAwayFromZero(long minorUnits, int rateBasisPoints, long expectedTax)
    {
        var tax = new Amount(minorUnits, Gbp).IncludedTax(rateBasisPoints);

        Assert.Equal(new Amount(expectedTax, Gbp), tax);
    }

    [Theory]
    [InlineData(1999, 2000, 400)] // 399.8 -> 400
    [InlineData(1999, 900, 180)] // 179.91 -> 180
    [InlineData(50, 900, 5)] // 4.5 -> 5
    [InlineData(-50, 900, -5)] // -4.5 -> -5
    [InlineData(49, 900, 4)] // 4.41 -> 4
    [InlineData(1000, 825, 83)] // 82.5 -> 83 (a US-style sales tax rate)
    public void ExclusiveTax_RoundsHalfAwayFromZero(long minorUnits, int rateBasisPoints, long expectedTax)
    {
        var tax = new Amount(minorUnits, Usd).ExclusiveTax(rateBasisPoints);

        Assert.Equal(new Amount(expectedTax, Usd), tax);
    }

    [Theory]
    [InlineData(150_000, 13_636)] // 150000 * 1000 / 11000 = 13636.36 -> 13636
    [InlineData(11_000, 1_000)]
    [InlineData(5_500, 500)]
    [InlineData(55, 5)] // 5.0
    [InlineData(99, 9)] // 9.0
    [InlineData(104, 9)] // 9.45 -> 9
    [InlineData(105, 10)] // 9.545 -> 10
    public void IncludedTax_Vnd_RoundsToWholeDong(long dong, long expectedTax)
    {
        var tax = new Amount(dong, Vnd).IncludedTax(1000);

        Assert.Equal(new Amount(expectedTax, Vnd), tax);
    }

    [Fact]
    public void ExclusiveTax_Vnd_RoundsHalfUpToWholeDong()
    {
        var tax = new Amount(12_345, Vnd).ExclusiveTax(1000); // 1234.5

        Assert.Equal(new Amount(1_235, Vnd), tax);
    }

    [Theory]
    [InlineData("GBP", 1999, "19.99")]
    [InlineData("GBP", 5, "0.05")]
    [InlineData("GBP", 0, "0.00")]
    [InlineData("USD", 100, "1.00")]
    [InlineData("USD", -5, "-0.05")]
    [InlineData("USD", -1999, "-19.99")]
    [InlineData("SGD", 123_456_789, "1234567.89")]
    [InlineData("VND", 150_000, "150000")]
    [InlineData("VND", 0, "0")]
    [InlineData("VND", -150_000, "-150000")]
    public void ToMajorUnitString_UsesTheCurrencyExponent(string currency, long minorUnits, string expected)
    {
        var text = new Amount(minorUnits, Currencies.Get(currency)).ToMajorUnitString();

        Assert.Equal(expected, text);
    }

    [Fact]
    public void ToMajorUnitString_LongMinValue_DoesNotOverflow()
    {
        var text = new Amount(long.MinValue, Usd).ToMajorUnitString();

        Assert.Equal("-92233720368547758.08", text);
    }

    [Fact]
    public void ToString_ShowsMajorUnitsAndCode()
    {
        Assert.Equal("19.99 GBP", new Amount(1999, Gbp).ToString());
    }

    [Fact]
    public void Format_GbpInEnGb_ShowsPoundsAndPence()
    {
        var text = new Amount(1250, Gbp).Format(CultureInfo.GetCultureInfo("en-GB"));

        Assert.Equal("£12.50", text);
    }

    [Fact]
    public void Format_VndInViVn_ShowsNoDecimals()
    {
        var text = new Amount(150_000, Vnd).Format(CultureInfo.GetCultureInfo("vi-VN"));

        Assert.Equal("150.000 ₫", Normalise(text));
    }

    [Fact]
    public void Format_VndInEnGb_ShowsNoDecimalsAndTheDongSign()
    {
        var text = new Amount(150_000, Vnd).Format(CultureInfo.GetCultureInfo("en-GB"));

        Assert.Equal("₫150,000", Normalise(text));
    }

    [Fact]
    public void Format_GbpInViVn_ShowsPenceAndThePoundSign()
    {
        var text = new Amount(1250, Gbp).Format(CultureInfo.GetCultureInfo("vi-VN"));

        Assert.Equal("12,50 £", Normalise(text));
    }

    [Fact]
    public void Format_SgdInEnUs_UsesTheIsoCodeRatherThanAnAmbiguousDollarSign()
    {
        var text = new Amount(1250, Sgd).Format(CultureInfo.GetCultureInfo("en-US"));

        Assert.Equal("SGD12.50", text);
    }

    [Fact]
    public void Format_SgdInEnSg_UsesTheLocalDollarSign()
    {
        var text = new Amount(1250, Sgd).Format(CultureInfo.GetCultureInfo("en-SG"));

        Assert.Equal("$12.50", text);
    }

    [Fact]
    public void Format_NegativeUsdInEnUs_KeepsTheSign()
    {
        var text = new Amount(-1999, Usd).Format(CultureInfo.GetCultureInfo("en-US"));

        Assert.Equal("-$19.99", text);
    }

    [Theory]
    [InlineData("GBP", 1999)]
    [InlineData("VND", 150_000)]
    [InlineData("USD", -42)]
    public void Serialize_WithStorageJson_RoundTripsMinorUnitsAndCurrency(string currency, long minorUnits)
    {
        var money = new Amount(minorUnits, Currencies.Get(currency));

        var json = JsonSerializer.Serialize(money, StorageJson.Options);
        var back = JsonSerializer.Deserialize<Amount>(json, StorageJson.Options);

        Assert.Equal(money, back);
        Assert.Equal($"{{\"minorUnits\":{minorUnits},\"currency\":\"{currency}\"}}", json);
    }

    [Fact]
    public void Deserialize_UnknownCurrency_ThrowsJsonException()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Amount>("""{"minorUnits":1,"currency":"XXX"}""", StorageJson.Options));
    }

    private static string Normalise(string text) => text.Replace('\u00A0', ' ').Replace('\u202F', ' ');
}

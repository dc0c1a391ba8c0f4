using System.Globalization;
using LiveShop.Core.Catalog;
using LiveShop.Core.Markets;
using LiveShop.Core.Money;
using LiveShop.Core.Pricing;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.UnitTests.Builders;
using Amount = LiveShop.Core.Money.Money;

namespace LiveShop.UnitTests.Pricing;

public class PriceBookTests
{
    private static readonly DateTimeOffset Now = Records.Now;

    [Fact]
    public void Line_NoSale_RegularPrice()
    {
        var product = Records.NewProduct(priceMinorUnits: 1999);

        var price = PriceBook.Line(product, product.Sku(), Records.StreamId, 2, Now, null, 0);

        Assert.Equal(Usd(1999), price.Unit);
        Assert.Equal(Usd(1999), price.Regular);
        Assert.Null(price.Sale);
        Assert.Equal(Usd(0), price.Discount);
    }

    [Fact]
    public void Line_ActiveSaleWithUnitsAndWithinTheLimit_DealPrice()
    {
        var (product, sale) = WithSale(startsAt: Now.AddSeconds(-10));

        var price = PriceBook.Line(product, product.Sku(), Records.StreamId, 2, Now, Level(sale, unitsLeft: 2), 1);

        Assert.Equal(Usd(1499), price.Unit);
        Assert.Equal(Usd(1999), price.Regular);
        Assert.Equal(sale, price.Sale);
        Assert.Equal(Usd(500), price.Discount);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("str_other")]
    public void Line_ActiveSaleBoughtFromNoStreamOrAnotherStream_RegularPrice(string? streamId)
    {
        var (product, sale) = WithSale(startsAt: Now.AddSeconds(-10));

        var price = PriceBook.Line(product, product.Sku(), streamId, 2, Now, Level(sale, unitsLeft: 5), 0);

        Assert.Equal((Usd(1999), Usd(1999)), (price.Unit, price.Regular));
        Assert.Null(price.Sale);
        Assert.Equal(Usd(0), price.Discount);
    }

    [Fact]
    public void Line_ActiveSaleStockUnknown_AssumesTheSaleHasUnits()
    {
        var (product, _) = WithSale(startsAt: Now.AddSeconds(-10));

        var price = PriceBook.Line(product, product.Sku(), Records.StreamId, 3, Now, null, 0);

        Assert.Equal(Usd(1499), price.Unit);
    }

    [Fact]
    public void Line_AtTheSalesStart_DealPrice()
    {
        var (product, _) = WithSale(startsAt: Now);

        Assert.Equal(Usd(1499), PriceBook.Line(product, product.Sku(), Records.StreamId, 1, Now, null, 0).Unit);
    }

    [Theory]
    [InlineData(1)] // upcoming: starts a second from now
    [InlineData(-600)] // ended: its 600 seconds are over at this very moment
    [InlineData(-3600)] // long over
    public void Line_SaleNotActive_RegularPrice(int startsInSeconds)
    {
        var (product, _) = WithSale(startsAt: Now.AddSeconds(startsInSeconds));

        var price = PriceBook.Line(product, product.Sku(), Records.StreamId, 1, Now, null, 0);

        Assert.Equal(Usd(1999), price.Unit);
        Assert.Null(price.Sale);
    }

    [Fact]
    public void Line_CancelledSale_RegularPrice()
    {
        var product = Records.NewProduct();
        var sale = Records.NewSale(product, 1499, Now.AddSeconds(-10), cancelledAt: Now.AddSeconds(-5));

        var price = PriceBook.Line(product.WithSales(sale), product.Sku(), Records.StreamId, 1, Now, null, 0);

        Assert.Equal(Usd(1999), price.Unit);
    }

    [Fact]
    public void Line_SaleHasFewerUnitsLeftThanTheLine_RegularPriceForTheWholeLine()
    {
        var (product, sale) = WithSale(startsAt: Now.AddSeconds(-10));

        var short1 = PriceBook.Line(product, product.Sku(), Records.StreamId, 3, Now, Level(sale, unitsLeft: 2), 0);
        var enough = PriceBook.Line(product, product.Sku(), Records.StreamId, 2, Now, Level(sale, unitsLeft: 2), 0);

        Assert.Equal(Usd(1999), short1.Unit);
        Assert.Equal(Usd(1499), enough.Unit);
    }

    [Fact]
    public void Line_SaleSoldOut_RegularPrice()
    {
        var (product, sale) = WithSale(startsAt: Now.AddSeconds(-10));

        var price = PriceBook.Line(product, product.Sku(), Records.StreamId, 1, Now, Level(sale, unitsLeft: 0), 0);

        Assert.Equal(Usd(1999), price.Unit);
    }

    [Fact]
    public void Line_StockLevelOfAnotherSale_CountsTheSalesAllotmentAgainstWhatIsAvailable()
    {
        var (product, sale) = WithSale(startsAt: Now.AddSeconds(-10));
        var otherSale = new StockLevel(2, 0, 0, 40, "fls_other");

        var price = PriceBook.Line(product, product.Sku(), Records.StreamId, 3, Now, otherSale, 0);

        Assert.Equal(2, otherSale.UnitsLeftIn(sale));
        Assert.Equal(Usd(1999), price.Unit);
    }

    [Theory]
    [InlineData(0, 3, 1499)]
    [InlineData(0, 4, 1999)]
    [InlineData(1, 2, 1499)]
    [InlineData(1, 3, 1999)]
    [InlineData(3, 1, 1999)]
    public void Line_PerCustomerLimitCountingUnitsAlreadyBought(long bought, long quantity, long expectedUnit)
    {
        var (product, _) = WithSale(startsAt: Now.AddSeconds(-10), perCustomerLimit: 3);

        var price = PriceBook.Line(product, product.Sku(), Records.StreamId, quantity, Now, null, bought);

        Assert.Equal(Usd(expectedUnit), price.Unit);
    }

    [Fact]
    public void Line_ActiveSaleWithTheNextOneScheduledRightAfter_DealPriceOfTheActiveSale()
    {
        var product = Records.NewProduct();
        var active = Records.NewSale(product, 1499, Now.AddSeconds(-60), seconds: 120, id: "fls_now");
        var next = Records.NewSale(product, 1299, active.EndsAt, id: "fls_next");
        product = product.WithSales(active, next);

        var price = PriceBook.Line(product, product.Sku(), Records.StreamId, 1, Now, null, 0);

        Assert.Equal(Usd(1499), price.Unit);
        Assert.Equal(active, price.Sale);
    }

    [Fact]
    public void Total_Uk47LinesOf99UnitsAtTheHighestPrice_ComputesInsteadOfOverflowing()
    {
        var uk = MarketRegistry.Get("uk");
        var lines = Enumerable.Range(0, 47).Select(_ => (Regular(uk, ProductRules.MaxPriceMinorUnits), 99L)).ToList();

        var totals = PriceBook.Total(uk, lines);

        Assert.Equal(47 * 99 * ProductRules.MaxPriceMinorUnits, totals.Total.MinorUnits);
        Assert.Equal(775_500_000_000_000, totals.Tax.Amount!.Value.MinorUnits);
        Assert.True(PriceBook.Sum(lines.Select(l => (l.Item1.Unit, l.Item2))) > PriceBook.MaxTotalMinorUnits);
    }

    [Fact]
    public void EnsureWithinMaxTotal_PastTheBound_422TotalTooLargeSayingBothAmounts()
    {
        var uk = MarketRegistry.Get("uk");

        PriceBook.EnsureWithinMaxTotal(uk, [(uk.Amount(PriceBook.MaxTotalMinorUnits), 1)], "The cart");
        var error = Problem.Throws(Core.Errors.ErrorKind.Unprocessable, () => PriceBook.EnsureWithinMaxTotal(uk, [(uk.Amount(PriceBook.MaxTotalMinorUnits), 2)], "The cart"));

        Assert.Equal(PriceBook.TotalTooLarge, error.Title);
        Assert.Contains("2000000000000 minor units of GBP", error.Message, StringComparison.Ordinal);
        Assert.Contains("10000000000.00 GBP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Total_Uk_VatIsTheIncludedSixthOfTheTotal()
    {
        var uk = MarketRegistry.Get("uk");

        var totals = PriceBook.Total(uk, [(Regular(uk, 1999), 2)]);

        Assert.Equal(uk.Amount(3998), totals.Subtotal);
        Assert.Equal(uk.Amount(0), totals.Discount);
        Assert.Equal(uk.Amount(3998), totals.Total);
        Assert.Equal(new TaxLine("VAT", 2000, TaxTreatment.Included, uk.Amount(666)), totals.Tax); // 3998 x 2000 / 12000 = 666.33
    }

    [Theory]
    [InlineData(3, 1)] // 0.5 rounds away from zero (banker's rounding would give 0)
    [InlineData(9, 2)] // 1.5
    [InlineData(15, 3)] // 2.5 (banker's: 2)
    [InlineData(2, 0)] // 0.33
    [InlineData(4, 1)] // 0.67
    [InlineData(12000, 2000)]
    [InlineData(1, 0)]
    public void Total_UkTaxExactlyOrNearHalfAPenny_RoundsHalfAwayFromZero(long total, long expectedTax)
    {
        var uk = MarketRegistry.Get("uk");

        var totals = PriceBook.Total(uk, [(Regular(uk, total), 1)]);

        Assert.Equal(uk.Amount(expectedTax), totals.Tax.Amount);
        Assert.InRange(totals.Tax.Amount!.Value.MinorUnits - (total * 2000m / 12000m), -0.5m, 0.5m);
    }

    [Fact]
    public void Total_Sg_GstOfNinePercentIncluded()
    {
        var sg = MarketRegistry.Get("sg");

        var totals = PriceBook.Total(sg, [(Regular(sg, 10900), 1), (Regular(sg, 1999), 1)]);

        Assert.Equal(sg.Amount(12899), totals.Total);
        Assert.Equal(new TaxLine("GST", 900, TaxTreatment.Included, sg.Amount(1065)), totals.Tax); // 12899 x 900 / 10900 = 1065.05
    }

    [Fact]
    public void Total_Us_TaxCalculatedAtCheckoutAndNotInTheTotal()
    {
        var us = MarketRegistry.Get("us");

        var totals = PriceBook.Total(us, [(Regular(us, 1999), 3)]);

        Assert.Equal(us.Amount(5997), totals.Total);
        Assert.Equal(TaxTreatment.CalculatedAtCheckout, totals.Tax.Treatment);
        Assert.Null(totals.Tax.Amount);
        Assert.Equal("Sales tax", totals.Tax.Name);
    }

    [Theory]
    [InlineData(10000, 825, 10825)]
    [InlineData(200, 17, 217)] // 16.5 rounds up
    [InlineData(1999, 165, 2164)] // 164.92
    [InlineData(0, 0, 0)]
    public void Total_MarketWithExclusiveTaxConfigured_AddsTheTax(long net, long expectedTax, long expectedTotal)
    {
        var market = new Market("zz", "Taxland", Currencies.Get("USD"), CultureInfo.GetCultureInfo("en-US"), false, 825, "Sales tax", MarketRegistry.Get("us").CheckoutLimits);

        var totals = PriceBook.Total(market, net == 0 ? [] : [(Regular(market, net), 1)]);

        Assert.Equal(new TaxLine("Sales tax", 825, TaxTreatment.Added, market.Amount(expectedTax)), totals.Tax);
        Assert.Equal(market.Amount(expectedTotal), totals.Total);
        Assert.Equal(market.Amount(net), totals.Subtotal);
    }

    [Fact]
    public void Total_Vnd_WholeDongWithTenPercentVatIncluded()
    {
        var vn = MarketRegistry.Get("vn");

        var totals = PriceBook.Total(vn, [(Regular(vn, 149_999), 1)]);

        Assert.Equal(0, vn.Currency.Exponent);
        Assert.Equal(vn.Amount(149_999), totals.Total);
        Assert.Equal(vn.Amount(13_636), totals.Tax.Amount); // 149,999 / 11 = 13,636.27
        Assert.Equal("13636", totals.Tax.Amount!.Value.ToMajorUnitString());
        Assert.Equal("149999", totals.Total.ToMajorUnitString());
    }

    [Theory]
    [InlineData(5, 0)] // 0.45
    [InlineData(6, 1)] // 0.55
    [InlineData(16, 1)] // 1.45
    [InlineData(17, 2)] // 1.55
    public void Total_VndTaxNearHalfADong_RoundsToTheNearestDong(long total, long expectedTax)
    {
        var vn = MarketRegistry.Get("vn");

        var totals = PriceBook.Total(vn, [(Regular(vn, total), 1)]);

        Assert.Equal(vn.Amount(expectedTax), totals.Tax.Amount);
    }

    [Fact]
    public void Total_DealLines_DiscountIsRegularMinusDealTimesQuantityAndTaxIsOnTheTotalAfterIt()
    {
        var uk = MarketRegistry.Get("uk");
        var (product, sale) = WithSale(startsAt: Now.AddSeconds(-10), market: "uk");
        var deal = PriceBook.Line(product, product.Sku(), Records.StreamId, 2, Now, Level(sale, unitsLeft: 5), 0);

        var totals = PriceBook.Total(uk, [(deal, 2), (Regular(uk, 500), 1)]);

        Assert.Equal(uk.Amount(4498), totals.Subtotal); // 1999 x 2 + 500
        Assert.Equal(uk.Amount(1000), totals.Discount); // (1999 - 1499) x 2
        Assert.Equal(uk.Amount(3498), totals.Total);
        Assert.Equal(uk.Amount(583), totals.Tax.Amount); // 3498 / 6 = 583
    }

    [Fact]
    public void Total_NoLines_ZeroInTheMarketsCurrency()
    {
        var sg = MarketRegistry.Get("sg");

        var totals = PriceBook.Total(sg, []);

        Assert.Equal(sg.Amount(0), totals.Total);
        Assert.Equal(sg.Amount(0), totals.Tax.Amount);
    }

    [Fact]
    public void Total_LineInAnotherCurrency_Refused()
    {
        var uk = MarketRegistry.Get("uk");

        Assert.Throws<CurrencyMismatchException>(() => PriceBook.Total(uk, [(Regular(MarketRegistry.Get("us"), 100), 1)]));
    }

    private static Amount Usd(long minorUnits) => new(minorUnits, Currencies.Get("USD"));

    private static LinePrice Regular(Market market, long minorUnits) => new(market.Amount(minorUnits), market.Amount(minorUnits), null);

    /// <summary>The stock level of a SKU whose sale <paramref name="sale"/> has <paramref name="unitsLeft"/> units left (plenty in stock).</summary>
    private static StockLevel Level(FlashSale sale, long unitsLeft) => new(100, 0, 0, unitsLeft, sale.Id);

    /// <summary>A 1,999 product with a 600-second sale at 1,499 (10 units, 3 per customer by default).</summary>
    private static (Product Product, FlashSale Sale) WithSale(DateTimeOffset startsAt, int perCustomerLimit = 3, string market = "us")
    {
        var product = Records.NewProduct(market: market, priceMinorUnits: 1999);
        var sale = Records.NewSale(product, 1499, startsAt, perCustomerLimit: perCustomerLimit);
        return (product.WithSales(sale), sale);
    }
}

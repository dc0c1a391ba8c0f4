using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.Core.Identity;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.UnitTests.Builders;
using Moq;

namespace LiveShop.UnitTests.Sales;

public class FlashSaleServiceTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    public static TheoryData<Caller> NotAMerchant => new() { Callers.Viewer(), Callers.Ops() };

    [Fact]
    public async Task CreateAsync_ValidSale_StoredWithTheProductAndUpcoming()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);
        var now = shop.Clock.GetUtcNow();

        var view = await shop.CreateSaleAsync(stream, Sale(shop, product));

        Assert.StartsWith("fls_", view.Id, StringComparison.Ordinal);
        Assert.Equal((stream.Id, product.Id, "sku-1", product.Title), (view.StreamId, view.ProductId, view.SkuId, view.ProductTitle));
        Assert.Equal((999L, "USD", 1999L), (view.DealPrice.MinorUnits, view.DealPrice.Currency, view.RegularPrice.MinorUnits));
        Assert.Equal((10L, 2), (view.Allotment, view.PerCustomerLimit));
        Assert.Equal((now.AddSeconds(30), now.AddSeconds(630)), (view.StartsAt, view.EndsAt));
        Assert.Equal(("upcoming", (string?)null, 30L, (long?)null, 10L), (view.State, view.EndedReason, view.SecondsToStart, view.SecondsToEnd, view.UnitsLeft));
        var stored = await shop.ReadProductAsync(product);
        Assert.Equal(view.Id, Assert.Single(stored.Sales).Id);
        shop.Events.Verify(e => e.ProductChangedAsync(It.Is<Product>(p => p.Id == product.Id && p.Sales.Count == 1), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(300)]
    public async Task CreateAsync_StartAtTheEdgeOfTheCountdownWindow_Accepted(double startsIn)
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);

        var view = await shop.CreateSaleAsync(stream, Sale(shop, product).StartingIn(startsIn));

        Assert.Equal((long)startsIn, view.SecondsToStart);
    }

    [Theory]
    [InlineData(9.999)]
    [InlineData(0)]
    [InlineData(-60)]
    [InlineData(300.001)]
    [InlineData(3600)]
    public async Task CreateAsync_StartOutsideTheCountdownWindow_ValidationNamesStartsAt(double startsIn)
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);

        await RefusedAsync(shop, stream, Sale(shop, product).StartingIn(startsIn), ErrorKind.Validation, "startsAt");
    }

    [Fact]
    public async Task CreateAsync_NoStart_ValidationNamesStartsAt()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);

        await RefusedAsync(shop, stream, Sale(shop, product).StartingAt(null), ErrorKind.Validation, "startsAt");
    }

    [Theory]
    [InlineData(60)]
    [InlineData(1200)]
    public async Task CreateAsync_DurationAtTheEdges_Accepted(int seconds)
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);

        var view = await shop.CreateSaleAsync(stream, Sale(shop, product).Lasting(seconds));

        Assert.Equal(TimeSpan.FromSeconds(seconds), view.EndsAt - view.StartsAt);
    }

    [Theory]
    [InlineData(59)]
    [InlineData(1201)]
    [InlineData(0)]
    [InlineData(null)]
    public async Task CreateAsync_DurationOutOfBounds_ValidationNamesDurationSeconds(int? seconds)
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);

        await RefusedAsync(shop, stream, Sale(shop, product).Lasting(seconds), ErrorKind.Validation, "durationSeconds");
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(FlashSaleService.MaxAllotment + 1)]
    [InlineData(null)]
    public async Task CreateAsync_AllotmentOutOfBounds_ValidationNamesAllotment(long? allotment)
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);

        await RefusedAsync(shop, stream, Sale(shop, product).WithAllotment(allotment).WithPerCustomerLimit(1), ErrorKind.Validation, "allotment");
    }

    [Theory]
    [InlineData(1L, 1)]
    [InlineData(5L, 5)]
    [InlineData(1000L, 99)]
    [InlineData(FlashSaleService.MaxAllotment, 1)]
    public async Task CreateAsync_AllotmentAndLimitWithinBounds_Accepted(long allotment, int limit)
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);

        var view = await shop.CreateSaleAsync(stream, Sale(shop, product).WithAllotment(allotment).WithPerCustomerLimit(limit));

        Assert.Equal((allotment, limit), (view.Allotment, view.PerCustomerLimit));
    }

    [Theory]
    [InlineData(10L, 0)]
    [InlineData(10L, -1)]
    [InlineData(5L, 6)] // more than the allotment
    [InlineData(1000L, 100)] // more than a cart line holds
    [InlineData(10L, null)]
    public async Task CreateAsync_PerCustomerLimitOutOfBounds_ValidationNamesPerCustomerLimit(long allotment, int? limit)
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);

        await RefusedAsync(shop, stream, Sale(shop, product).WithAllotment(allotment).WithPerCustomerLimit(limit), ErrorKind.Validation, "perCustomerLimit");
    }

    [Theory]
    [InlineData(1999L)] // the regular price
    [InlineData(2500L)]
    public async Task CreateAsync_DealPriceNotBelowTheRegularPrice_UnprocessableNamingTheMinorUnits(long deal)
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);

        await RefusedAsync(shop, stream, Sale(shop, product).WithDealPrice(deal), ErrorKind.Unprocessable, "dealPrice.minorUnits");
    }

    [Fact]
    public async Task CreateAsync_DealPriceOneCentBelowRegular_Accepted()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);

        var view = await shop.CreateSaleAsync(stream, Sale(shop, product).WithDealPrice(1998));

        Assert.Equal(1998, view.DealPrice.MinorUnits);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-5L)]
    [InlineData(null)]
    public async Task CreateAsync_DealPriceNotPositive_ValidationNamesTheMinorUnits(long? deal)
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);

        await RefusedAsync(shop, stream, Sale(shop, product).WithDealPrice(deal), ErrorKind.Validation, "dealPrice.minorUnits");
    }

    [Fact]
    public async Task CreateAsync_NoDealPriceOrNoCurrency_ValidationNamesTheField()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);

        await RefusedAsync(shop, stream, Sale(shop, product).WithoutDealPrice(), ErrorKind.Validation, "dealPrice");
        await RefusedAsync(shop, stream, Sale(shop, product).WithDealPrice(999, null), ErrorKind.Validation, "dealPrice.currency");
    }

    [Theory]
    [InlineData("GBP")]
    [InlineData("usd")]
    [InlineData("XXX")]
    public async Task CreateAsync_DealPriceInAnotherCurrencyThanTheMarkets_UnprocessableNamingTheCurrency(string currency)
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);

        await RefusedAsync(shop, stream, Sale(shop, product).WithDealPrice(999, currency), ErrorKind.Unprocessable, "dealPrice.currency");
    }

    [Fact]
    public async Task CreateAsync_VndStream_DealPriceInWholeDong()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: ProductInputBuilder.For("vn").WithSku("sku-1", 149_999, stockOnHand: 50));
        var stream = await shop.CreateLiveStreamAsync("vn", product);

        var view = await shop.CreateSaleAsync(stream, Sale(shop, product).WithDealPrice(99_000, "VND"));

        Assert.Equal((99_000L, "VND", 0, "99000"), (view.DealPrice.MinorUnits, view.DealPrice.Currency, view.DealPrice.Exponent, view.DealPrice.Amount));
    }

    [Fact]
    public async Task CreateAsync_InvalidFields_NamesEveryOneAndWritesNothing()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);
        shop.Events.Invocations.Clear();

        var error = await Problem.ThrowsAsync(ErrorKind.Validation, () =>
            shop.Sales.CreateAsync(Callers.Merchant(), stream.Id, new FlashSaleInput(null, "bad sku!", null, 0, 0, null, 5), shop.Scheduler.Object, None));

        Assert.Equal(
            ["allotment", "dealPrice", "durationSeconds", "perCustomerLimit", "productId", "skuId", "startsAt"],
            error.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Empty((await shop.ReadProductAsync(product)).Sales);
        shop.Events.VerifyNoOtherCalls();
    }

    [Theory]
    [MemberData(nameof(NotAMerchant))]
    public async Task CreateAsync_ByNonMerchant_Forbidden(Caller caller)
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);

        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => shop.Sales.CreateAsync(caller, stream.Id, Sale(shop, product).Build(), shop.Scheduler.Object, None));

        Assert.Empty((await shop.ReadProductAsync(product)).Sales);
    }

    [Fact]
    public async Task CreateAsync_AnotherMerchantsStream_Forbidden()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);

        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => shop.Sales.CreateAsync(Callers.Merchant(Shop.OtherMerchantId), stream.Id, Sale(shop, product).Build(), shop.Scheduler.Object, None));

        Assert.Empty((await shop.ReadProductAsync(product)).Sales);
    }

    [Fact]
    public async Task CreateAsync_UnknownStream_NotFound()
    {
        var shop = new Shop();
        var (product, _) = await LiveAsync(shop);

        await Problem.ThrowsAsync(ErrorKind.NotFound, () => shop.Sales.CreateAsync(Callers.Merchant(), "str_missing", Sale(shop, product).Build(), shop.Scheduler.Object, None));
    }

    [Fact]
    public async Task CreateAsync_StreamNotLiveYet_Conflict()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: Product());
        var stream = await shop.CreateStreamAsync();
        await shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new(product.Id, null), null, None);

        var error = await Problem.ThrowsAsync(ErrorKind.Conflict, () => shop.CreateSaleAsync(stream, Sale(shop, product)));

        Assert.Contains("scheduled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_StreamEnded_Conflict()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);
        await shop.Streams.EndAsync(Callers.Merchant(), stream.Id, null, None);

        var error = await Problem.ThrowsAsync(ErrorKind.Conflict, () => shop.CreateSaleAsync(stream, Sale(shop, product)));

        Assert.Contains("ended", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_ProductNotInTheShowcase_UnprocessableNamingProductId()
    {
        var shop = new Shop();
        var (_, stream) = await LiveAsync(shop);
        var elsewhere = await shop.CreateProductAsync(input: Product());

        await RefusedAsync(shop, stream, Sale(shop, elsewhere), ErrorKind.Unprocessable, "productId");
        Assert.Empty((await shop.ReadProductAsync(elsewhere)).Sales);
    }

    [Fact]
    public async Task CreateAsync_UnknownSku_UnprocessableNamingSkuId()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);

        await RefusedAsync(shop, stream, Sale(shop, product).ForSku("sku-9"), ErrorKind.Unprocessable, "skuId");
    }

    [Fact]
    public async Task CreateAsync_ShowcaseProductArchivedSince_UnprocessableNamingProductId()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);
        await shop.Catalog.ArchiveAsync(Callers.Merchant(), Shop.MerchantId, product.Id, null, None);

        await RefusedAsync(shop, stream, Sale(shop, product), ErrorKind.Unprocessable, "productId");
    }

    [Fact]
    public async Task CreateAsync_OverlappingSaleOnTheSameSku_Conflict()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);
        var first = await shop.CreateSaleAsync(stream, Sale(shop, product).StartingIn(30).Lasting(600));

        var error = await Problem.ThrowsAsync(ErrorKind.Conflict, () => shop.CreateSaleAsync(stream, Sale(shop, product).StartingIn(200)));

        Assert.Contains(first.Id, error.Message, StringComparison.Ordinal);
        Assert.Single((await shop.ReadProductAsync(product)).Sales);
    }

    [Fact]
    public async Task CreateAsync_OverlappingRunningSale_Conflict()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);
        var running = await shop.CreateSaleAsync(stream, Sale(shop, product).StartingIn(10).Lasting(600));
        shop.Clock.SetUtcNow(running.StartsAt.AddSeconds(5));

        await Problem.ThrowsAsync(ErrorKind.Conflict, () => shop.CreateSaleAsync(stream, Sale(shop, product).StartingIn(10)));
    }

    [Fact]
    public async Task CreateAsync_SaleStartingWhenTheRunningOneEnds_Accepted()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);
        var running = await shop.CreateSaleAsync(stream, Sale(shop, product).StartingIn(10).Lasting(60));
        shop.Clock.SetUtcNow(running.StartsAt.AddSeconds(30));

        var next = await shop.CreateSaleAsync(stream, Sale(shop, product).StartingAt(running.EndsAt));

        Assert.Equal(2, (await shop.ReadProductAsync(product)).Sales.Count);
        Assert.Equal("upcoming", next.State);
    }

    [Fact]
    public async Task CreateAsync_OverlappingSaleOnAnotherSkuOrAfterCancelling_Accepted()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop, Product().WithSku("sku-2", 2999, stockOnHand: 20));
        var first = await shop.CreateSaleAsync(stream, Sale(shop, product));

        await shop.CreateSaleAsync(stream, Sale(shop, product).ForSku("sku-2"));
        await shop.Sales.CancelAsync(Callers.Merchant(), Shop.MerchantId, product.Id, first.Id, None);
        await shop.CreateSaleAsync(stream, Sale(shop, product));

        Assert.Equal(3, (await shop.ReadProductAsync(product)).Sales.Count);
    }

    [Fact]
    public async Task CancelAsync_UpcomingSale_EndsItAsCancelled()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);
        var sale = await shop.CreateSaleAsync(stream, Sale(shop, product));

        var cancelled = await shop.Sales.CancelAsync(Callers.Merchant(), Shop.MerchantId, product.Id, sale.Id, None);

        Assert.Equal(("ended", "cancelled", shop.Clock.GetUtcNow(), 0L), (cancelled.State, cancelled.EndedReason, cancelled.CancelledAt, cancelled.UnitsLeft));
        Assert.Equal(shop.Clock.GetUtcNow(), Assert.Single((await shop.ReadProductAsync(product)).Sales).CancelledAt);
    }

    [Fact]
    public async Task CancelAsync_SaleWhoseSkuWasRemovedFromTheProduct_EndsItAndARepeatAnswersTheSame()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);
        var sale = await shop.CreateSaleAsync(stream, Sale(shop, product));
        var stored = (await shop.Products.ReadAsync(product.MerchantId, product.Id, None))!;
        var other = new Core.Catalog.Sku("sku-other", new Dictionary<string, string>(), product.Skus[0].Price, 3);
        await shop.Products.ReplaceAsync(stored.Value with { Skus = [other], UpdatedAt = shop.Clock.GetUtcNow() }, stored.ETag, None);

        var cancelled = await shop.Sales.CancelAsync(Callers.Merchant(), Shop.MerchantId, product.Id, sale.Id, None);
        var again = await shop.Sales.CancelAsync(Callers.Merchant(), Shop.MerchantId, product.Id, sale.Id, None);

        Assert.Equal(("ended", "cancelled", 0L), (cancelled.State, cancelled.EndedReason, cancelled.UnitsLeft));
        Assert.Equal(cancelled, again);
        Assert.Equal(shop.Clock.GetUtcNow(), Assert.Single((await shop.ReadProductAsync(product)).Sales).CancelledAt);
    }

    [Fact]
    public async Task EndStreamAsync_ActiveSale_TheSaleEndsAndTheDealPriceIsGone()
    {
        var shop = new Shop();
        var (product, _, sale) = await shop.ActiveSaleAsync(Product());
        Assert.Equal(999, PriceBook(await shop.ReadProductAsync(product), sale.StreamId, shop).MinorUnits);

        await shop.Sales.EndStreamAsync(Callers.Merchant(), sale.StreamId, null, None);

        Assert.Equal(1999, PriceBook(await shop.ReadProductAsync(product), sale.StreamId, shop).MinorUnits);
        var listed = Assert.Single((await shop.Sales.ListAsync(sale.StreamId, None)).Sales);
        Assert.Equal("ended", listed.State);
    }

    [Fact]
    public async Task EndStreamAsync_RepeatAfterTheStreamEndedButNotItsSale_EndsTheSaleAndAnswers409()
    {
        var shop = new Shop();
        var (product, _, sale) = await shop.ActiveSaleAsync(Product());
        await shop.Streams.EndAsync(Callers.Merchant(), sale.StreamId, null, None);
        Assert.Equal(999, PriceBook(await shop.ReadProductAsync(product), sale.StreamId, shop).MinorUnits);

        await Problem.ThrowsAsync(ErrorKind.Conflict, () => shop.Sales.EndStreamAsync(Callers.Merchant(), sale.StreamId, null, None));

        Assert.Equal(1999, PriceBook(await shop.ReadProductAsync(product), sale.StreamId, shop).MinorUnits);
    }

    [Fact]
    public async Task CancelAsync_ActiveSale_RegularPriceFromThenOn()
    {
        var shop = new Shop();
        var (product, _, sale) = await shop.ActiveSaleAsync(Product());
        Assert.Equal(999, PriceBook(await shop.ReadProductAsync(product), sale.StreamId, shop).MinorUnits);

        await shop.Sales.CancelAsync(Callers.Merchant(), Shop.MerchantId, product.Id, sale.Id, None);

        Assert.Equal(1999, PriceBook(await shop.ReadProductAsync(product), sale.StreamId, shop).MinorUnits);
    }

    [Fact]
    public async Task CancelAsync_Twice_SameOutcomeAndWrittenOnce()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);
        var sale = await shop.CreateSaleAsync(stream, Sale(shop, product));
        var first = await shop.Sales.CancelAsync(Callers.Merchant(), Shop.MerchantId, product.Id, sale.Id, None);
        shop.Events.Invocations.Clear();
        shop.Clock.Advance(TimeSpan.FromSeconds(5));

        var second = await shop.Sales.CancelAsync(Callers.Merchant(), Shop.MerchantId, product.Id, sale.Id, None);

        Assert.Equal(first.CancelledAt, second.CancelledAt);
        Assert.Equal("cancelled", second.EndedReason);
        shop.Events.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task CancelAsync_SaleAlreadyOverByTime_LeftAsItWas()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);
        var sale = await shop.CreateSaleAsync(stream, Sale(shop, product));
        shop.Clock.SetUtcNow(sale.EndsAt);

        var view = await shop.Sales.CancelAsync(Callers.Merchant(), Shop.MerchantId, product.Id, sale.Id, None);

        Assert.Equal(("ended", "time", (DateTimeOffset?)null), (view.State, view.EndedReason, view.CancelledAt));
        Assert.Null(Assert.Single((await shop.ReadProductAsync(product)).Sales).CancelledAt);
    }

    [Theory]
    [InlineData("fls_missing")]
    [InlineData("not a sale id")]
    public async Task CancelAsync_UnknownSale_NotFound(string saleId)
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);
        await shop.CreateSaleAsync(stream, Sale(shop, product));

        await Problem.ThrowsAsync(ErrorKind.NotFound, () => shop.Sales.CancelAsync(Callers.Merchant(), Shop.MerchantId, product.Id, saleId, None));
    }

    [Theory]
    [InlineData("prd_missing")]
    [InlineData("not a product id")]
    public async Task CancelAsync_UnknownProduct_NotFound(string productId)
    {
        var shop = new Shop();

        await Problem.ThrowsAsync(ErrorKind.NotFound, () => shop.Sales.CancelAsync(Callers.Merchant(), Shop.MerchantId, productId, "fls_1", None));
    }

    [Fact]
    public async Task CancelAsync_ByAnotherMerchantOrAViewer_RefusedAndTheSaleRuns()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);
        var sale = await shop.CreateSaleAsync(stream, Sale(shop, product));

        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => shop.Sales.CancelAsync(Callers.Merchant(Shop.OtherMerchantId), Shop.MerchantId, product.Id, sale.Id, None));
        await Problem.ThrowsAsync(ErrorKind.NotFound, () => shop.Sales.CancelAsync(Callers.Merchant(Shop.OtherMerchantId), Shop.OtherMerchantId, product.Id, sale.Id, None));
        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => shop.Sales.CancelAsync(Callers.Viewer(), Shop.MerchantId, product.Id, sale.Id, None));

        Assert.Null(Assert.Single((await shop.ReadProductAsync(product)).Sales).CancelledAt);
    }

    [Fact]
    public async Task ReplaceAsync_ProductWithSales_KeepsThem()
    {
        var shop = new Shop();
        var (product, stream) = await LiveAsync(shop);
        var sale = await shop.CreateSaleAsync(stream, Sale(shop, product));
        var read = await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None);

        var replaced = await shop.Catalog.ReplaceAsync(Callers.Merchant(), Shop.MerchantId, product.Id, Product().WithTitle("Renamed").Build(), read.ETag, None);

        Assert.Equal(sale.Id, Assert.Single(replaced.Value.Sales).Id);
    }

    internal static ProductInputBuilder Product() => ProductInputBuilder.For("us").WithSku("sku-1", 1999, stockOnHand: 50);

    internal static FlashSaleInputBuilder Sale(Shop shop, Product product) => FlashSaleInputBuilder.For(product.Id, shop.Clock.GetUtcNow());

    /// <summary>A product of market us (SKU "sku-1" at 1,999 cents, 50 units) in the showcase of a live stream.</summary>
    internal static async Task<(Product Product, Core.Streams.LiveStream Stream)> LiveAsync(Shop shop, ProductInputBuilder? input = null)
    {
        var product = await shop.CreateProductAsync(input: input ?? Product());
        return (product, await shop.CreateLiveStreamAsync("us", product));
    }

    /// <summary>The unit price of one unit of "sku-1" bought from <paramref name="streamId"/> now.</summary>
    private static Core.Money.Money PriceBook(Product product, string streamId, Shop shop) =>
        Core.Pricing.PriceBook.Line(product, product.Sku(), streamId, 1, shop.Clock.GetUtcNow(), null, 0).Unit;

    private static async Task RefusedAsync(Shop shop, Core.Streams.LiveStream stream, FlashSaleInputBuilder input, ErrorKind kind, string field)
    {
        var error = await Problem.ThrowsAsync(kind, () => shop.CreateSaleAsync(stream, input));
        Assert.True(error.Errors?.ContainsKey(field), $"Expected an error for '{field}'; got: {error.Message}");
    }
}

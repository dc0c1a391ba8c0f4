using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.Core.Markets;
using LiveShop.Core.Pricing;
using LiveShop.Core.Stock;
using LiveShop.UnitTests.Builders;

namespace LiveShop.UnitTests.Carts;

public class CartServiceTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task AddAsync_NewSku_AddsALineAtTheCurrentPrice()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());

        var change = await shop.AddAsync(Shop.Viewer, product, 2);

        Assert.Equal((2L, 1), (change.View().ItemCount, change.View().LineCount));
        Assert.NotNull(change.View().Version);
        Assert.Equal(CartSteps.LineId(product), change.Line!.LineId);
        var cart = await shop.CartAsync(Shop.Viewer);
        var line = cart.Line(product);
        Assert.Equal(2, line.Quantity);
        Assert.Equal(1999, line.UnitPrice!.MinorUnits);
        Assert.Equal(1999, line.AddedUnitPrice.MinorUnits);
        Assert.Equal(3998, line.LineTotal!.MinorUnits);
        Assert.False(line.PriceChanged);
        Assert.Null(line.Problem);
        Assert.Equal(3998, cart.Totals.Total.MinorUnits);
        Assert.Equal(change.Stored.ETag, cart.Version);
        Assert.NotNull(await shop.CartStore.ReadAsync("u:viewer-1", "us", None));
    }

    [Fact]
    public async Task AddAsync_SkuAlreadyInTheCart_AddsToItsLine()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        await shop.AddAsync(Shop.Viewer, product, 2);

        var change = await shop.AddAsync(Shop.Viewer, product, 3);

        Assert.Equal(5, change.Line!.Quantity);
        Assert.Equal(5, Assert.Single((await shop.CartAsync(Shop.Viewer)).Lines).Quantity);
    }

    [Fact]
    public async Task AddAsync_LineWouldHoldMoreThan99_UnprocessableAndUnchanged()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        await shop.AddAsync(Shop.Viewer, product, 98);

        var error = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.AddAsync(Shop.Viewer, product, 2));
        var filled = await shop.AddAsync(Shop.Viewer, product, 1);

        Assert.Contains("99", error.Message, StringComparison.Ordinal);
        Assert.Equal(Cart.MaxQuantityPerLine, filled.Line!.Quantity);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(100L)]
    [InlineData(null)]
    public async Task AddAsync_QuantityOutOfRange_ValidationNamesQuantity(long? quantity)
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());

        var error = await Problem.ThrowsAsync(ErrorKind.Validation, () => shop.AddAsync(Shop.Viewer, product, quantity));

        Assert.Equal(["quantity"], error.Errors!.Keys);
        Assert.Null(await shop.CartStore.ReadAsync("u:viewer-1", "us", None));
    }

    [Fact]
    public async Task AddAsync_MissingOrMalformedIds_ValidationNamesEachField()
    {
        var shop = new Shop();

        var error = await Problem.ThrowsAsync(ErrorKind.Validation, () =>
            shop.Carts.AddAsync(Shop.Viewer, "us", new AddCartLineInput(null, "bad id", "", 1, "str/1"), null, None));

        Assert.Equal(["merchantId", "productId", "skuId", "streamId"], error.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AddAsync_NoBody_ValidationNamesTheRequiredFields()
    {
        var shop = new Shop();

        var error = await Problem.ThrowsAsync(ErrorKind.Validation, () => shop.Carts.AddAsync(Shop.Viewer, "us", null, null, None));

        Assert.Equal(["merchantId", "productId", "quantity", "skuId"], error.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AddAsync_FromAStream_KeepsTheStreamOnTheLine()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());

        await shop.Carts.AddAsync(Shop.Viewer, "us", new AddCartLineInput(product.MerchantId, product.Id, "sku-1", 1, "str_live"), null, None);

        Assert.Equal("str_live", (await shop.CartAsync(Shop.Viewer)).Line(product).StreamId);
    }

    [Fact]
    public async Task AddAsync_CartHas50Lines_NewSkuUnprocessableButExistingLinesStillGrow()
    {
        var shop = new Shop();
        var many = await shop.CreateProductAsync(input: new ProductInputBuilder().WithSkus(Cart.MaxLines));
        var another = await shop.CreateProductAsync(input: CartSteps.Product());
        for (var i = 0; i < Cart.MaxLines; i++)
        {
            await shop.AddAsync(Shop.Viewer, many, 1, $"sku-{i}");
        }

        var error = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.AddAsync(Shop.Viewer, another));
        var grown = await shop.AddAsync(Shop.Viewer, many, 1, "sku-0");

        Assert.Equal("Cart full", error.Title);
        Assert.Equal(2, grown.Line!.Quantity);
        Assert.Equal(Cart.MaxLines, (await shop.CartAsync(Shop.Viewer)).Lines.Count);
    }

    [Fact]
    public async Task AddAsync_ProductOfAnotherMarket_UnprocessableNamingProductId()
    {
        var shop = new Shop();
        var british = await shop.CreateProductAsync(input: CartSteps.Product(market: "uk"));

        var error = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.AddAsync(Shop.Viewer, british, market: "us"));

        Assert.Contains("market 'uk'", error.Errors!["productId"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAsync_ArchivedProduct_UnprocessableNamingProductId()
    {
        var shop = new Shop();
        var archived = await shop.CreateArchivedProductAsync(input: CartSteps.Product());

        var error = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.AddAsync(Shop.Viewer, archived));

        Assert.Contains("archived", error.Errors!["productId"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAsync_UnknownProductOrAnotherMerchantsId_UnprocessableNamingProductId()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());

        var unknown = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () =>
            shop.Carts.AddAsync(Shop.Viewer, "us", new AddCartLineInput(Shop.MerchantId, "prd_missing", "sku-1", 1, null), null, None));
        var wrongMerchant = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () =>
            shop.Carts.AddAsync(Shop.Viewer, "us", new AddCartLineInput(Shop.OtherMerchantId, product.Id, "sku-1", 1, null), null, None));

        Assert.Equal(["productId"], unknown.Errors!.Keys);
        Assert.Equal(["productId"], wrongMerchant.Errors!.Keys);
    }

    [Fact]
    public async Task AddAsync_UnknownSku_UnprocessableNamingSkuId()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());

        var error = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.AddAsync(Shop.Viewer, product, skuId: "sku-9"));

        Assert.Equal(["skuId"], error.Errors!.Keys);
    }

    [Fact]
    public async Task AddAsync_UnknownMarket_NotFound()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());

        await Problem.ThrowsAsync(ErrorKind.NotFound, () => shop.AddAsync(Shop.Viewer, product, market: "zz"));
    }

    [Fact]
    public async Task AddAsync_MarketNotServedHere_Unprocessable()
    {
        var shop = new Shop(servedMarkets: "uk");

        var error = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () =>
            shop.Carts.AddAsync(Shop.Viewer, "us", new AddCartLineInput(Shop.MerchantId, "prd_1", "sku-1", 1, null), null, None));

        Assert.Equal("Market not served here", error.Title);
    }

    [Fact]
    public async Task AddAsync_StaleIfMatch_PreconditionFailedAndUnchanged()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        var first = await shop.AddAsync(Shop.Viewer, product, 1);
        await shop.AddAsync(Shop.Viewer, product, 1);

        await Problem.ThrowsAsync(ErrorKind.PreconditionFailed, () =>
            shop.Carts.AddAsync(Shop.Viewer, "us", new AddCartLineInput(product.MerchantId, product.Id, "sku-1", 1, null), first.Stored.ETag, None));

        Assert.Equal(2, (await shop.CartAsync(Shop.Viewer)).Line(product).Quantity);
    }

    [Fact]
    public async Task AddAsync_SaleSkuBeyondThePerCustomerLimit_Unprocessable()
    {
        var shop = new Shop();
        var (product, _, sale) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(2));
        await shop.AddAsync(Shop.Viewer, product, 2, streamId: sale.StreamId);

        var error = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.AddAsync(Shop.Viewer, product, 1, streamId: sale.StreamId));

        Assert.Equal("Flash-sale limit", error.Title);
        Assert.Contains(sale.Id, error.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await shop.CartAsync(Shop.Viewer)).Line(product).Quantity);
    }

    [Fact]
    public async Task AddAsync_SaleSkuAlreadyBoughtInTheSale_LimitCountsThePurchase()
    {
        var shop = new Shop();
        var (product, _, sale) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(3));
        await shop.Carts.RecordPurchaseAsync(Shop.Viewer, "us", "chk_1", [new PurchasedLine(SkuRef.Of(product, product.Sku()), 2, sale.Id)], false, None);

        await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.AddAsync(Shop.Viewer, product, 2, streamId: sale.StreamId));
        var added = await shop.AddAsync(Shop.Viewer, product, 1, streamId: sale.StreamId);

        Assert.Equal(1, added.Line!.Quantity);
        var line = (await shop.CartAsync(Shop.Viewer)).Line(product);
        Assert.Equal((1L, true), (line.FlashSale!.RemainingForYou, line.FlashSale.Applied)); // 3 per customer, 2 bought
    }

    [Fact]
    public async Task AddAsync_SaleUpcoming_LimitAlreadyHoldsButRegularPriceIsAdded()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product(stock: 50));
        var stream = await shop.CreateLiveStreamAsync("us", product);
        await shop.CreateSaleAsync(stream, FlashSaleInputBuilder.For(product.Id, shop.Clock.GetUtcNow()).WithPerCustomerLimit(2));

        await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.AddAsync(Shop.Viewer, product, 3, streamId: stream.Id));
        await shop.AddAsync(Shop.Viewer, product, 2, streamId: stream.Id);

        var line = (await shop.CartAsync(Shop.Viewer)).Line(product);
        Assert.Equal((1999L, 1999L), (line.AddedUnitPrice.MinorUnits, line.UnitPrice!.MinorUnits));
        Assert.Equal(("upcoming", false), (line.FlashSale!.State, line.FlashSale.Applied));
    }

    [Fact]
    public async Task AddAsync_SaleActive_AddsAtTheDealPrice()
    {
        var shop = new Shop();
        var (product, _, sale) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50));

        await shop.AddAsync(Shop.Viewer, product, 2, streamId: sale.StreamId);

        var cart = await shop.CartAsync(Shop.Viewer);
        var line = cart.Line(product);
        Assert.Equal((999L, 999L, 1999L), (line.AddedUnitPrice.MinorUnits, line.UnitPrice!.MinorUnits, line.RegularUnitPrice!.MinorUnits));
        Assert.False(line.PriceChanged);
        Assert.Equal((2000L, 3998L, 1998L), (line.Discount!.MinorUnits, cart.Totals.Subtotal.MinorUnits, cart.Totals.Total.MinorUnits));
    }

    [Fact]
    public async Task GetAsync_RunningSaleWithTheNextOneScheduled_RunningSalesPriceAndLimit()
    {
        var shop = new Shop();
        var (product, stream, running) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(2).Lasting(60));
        shop.Clock.Advance(TimeSpan.FromSeconds(30));
        await shop.CreateSaleAsync(stream, FlashSaleInputBuilder.For(product.Id, shop.Clock.GetUtcNow()).StartingAt(running.EndsAt).WithDealPrice(899).WithPerCustomerLimit(5));
        await shop.AddAsync(Shop.Viewer, product, 2, streamId: stream.Id);

        await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.AddAsync(Shop.Viewer, product, 1, streamId: stream.Id));
        var line = (await shop.CartAsync(Shop.Viewer)).Line(product);

        Assert.Equal((999L, 999L), (line.UnitPrice!.MinorUnits, line.AddedUnitPrice.MinorUnits));
        Assert.Equal((running.Id, "active", true), (line.FlashSale!.SaleId, line.FlashSale.State, line.FlashSale.Applied));
    }

    [Fact]
    public async Task SetQuantityAsync_ExistingLine_SetsItsQuantity()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        await shop.AddAsync(Shop.Viewer, product, 2);

        var change = await shop.Carts.SetQuantityAsync(Shop.Viewer, "us", CartSteps.LineId(product), new CartQuantityInput(7), null, None);

        Assert.Equal(7, change.Line!.Quantity);
        Assert.Equal(7, (await shop.CartAsync(Shop.Viewer)).Line(product).Quantity);
    }

    [Fact]
    public async Task SetQuantityAsync_SameQuantity_WritesNothing()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        var added = await shop.AddAsync(Shop.Viewer, product, 2);

        var change = await shop.Carts.SetQuantityAsync(Shop.Viewer, "us", CartSteps.LineId(product), new CartQuantityInput(2), null, None);

        Assert.Equal(added.Stored.ETag, change.Stored.ETag);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(100L)]
    [InlineData(null)]
    public async Task SetQuantityAsync_QuantityOutOfRange_ValidationNamesQuantity(long? quantity)
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        await shop.AddAsync(Shop.Viewer, product, 2);

        var error = await Problem.ThrowsAsync(ErrorKind.Validation, () =>
            shop.Carts.SetQuantityAsync(Shop.Viewer, "us", CartSteps.LineId(product), new CartQuantityInput(quantity), null, None));

        Assert.Equal(["quantity"], error.Errors!.Keys);
    }

    [Theory]
    [InlineData("ln_0000000000000000000000")]
    [InlineData("not/a line")]
    public async Task SetQuantityAsync_UnknownLine_NotFound(string lineId)
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        await shop.AddAsync(Shop.Viewer, product, 2);

        await Problem.ThrowsAsync(ErrorKind.NotFound, () => shop.Carts.SetQuantityAsync(Shop.Viewer, "us", lineId, new CartQuantityInput(1), null, None));
    }

    [Fact]
    public async Task SetQuantityAsync_BeyondTheSaleLimit_UnprocessableButLoweringIsFine()
    {
        var shop = new Shop();
        var (product, _, sale) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(3));
        await shop.AddAsync(Shop.Viewer, product, 3, streamId: sale.StreamId);

        await Problem.ThrowsAsync(ErrorKind.Unprocessable, () =>
            shop.Carts.SetQuantityAsync(Shop.Viewer, "us", CartSteps.LineId(product), new CartQuantityInput(4), null, None));
        var lowered = await shop.Carts.SetQuantityAsync(Shop.Viewer, "us", CartSteps.LineId(product), new CartQuantityInput(1), null, None);

        Assert.Equal(1, lowered.Line!.Quantity);
    }

    [Fact]
    public async Task RemoveAsync_Line_RemovesOnlyIt()
    {
        var shop = new Shop();
        var first = await shop.CreateProductAsync(input: CartSteps.Product());
        var second = await shop.CreateProductAsync(input: CartSteps.Product());
        await shop.AddAsync(Shop.Viewer, first, 2);
        await shop.AddAsync(Shop.Viewer, second, 1);

        var change = await shop.Carts.RemoveAsync(Shop.Viewer, "us", CartSteps.LineId(first), null, None);

        Assert.Null(change.Line);
        var line = Assert.Single((await shop.CartAsync(Shop.Viewer)).Lines);
        Assert.Equal(second.Id, line.ProductId);
    }

    [Fact]
    public async Task RemoveAsync_UnknownLineOrNoCart_NotFound()
    {
        var shop = new Shop();

        await Problem.ThrowsAsync(ErrorKind.NotFound, () => shop.Carts.RemoveAsync(Shop.Viewer, "us", "ln_00000000000000000000", null, None));

        Assert.Null(await shop.CartStore.ReadAsync("u:viewer-1", "us", None));
    }

    [Fact]
    public async Task ClearAsync_CartWithLines_EmptiesIt()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        await shop.AddAsync(Shop.Viewer, product, 2);

        var change = await shop.Carts.ClearAsync(Shop.Viewer, "us", null, None);

        Assert.Equal((0L, 0), (change.View().ItemCount, change.View().LineCount));
        var cart = await shop.CartAsync(Shop.Viewer);
        Assert.Empty(cart.Lines);
        Assert.Equal(0, cart.Totals.Total.MinorUnits);
    }

    [Fact]
    public async Task ClearAsync_NoCart_WritesNothingAndHasNoVersion()
    {
        var shop = new Shop();

        var change = await shop.Carts.ClearAsync(Shop.Viewer, "us", null, None);

        Assert.Null(change.View().Version);
        Assert.Null(await shop.CartStore.ReadAsync("u:viewer-1", "us", None));
    }

    [Fact]
    public async Task GetAsync_NoCart_EmptyCartWithoutVersionOrExpiry()
    {
        var shop = new Shop();

        var cart = await shop.CartAsync(Shop.Viewer, "uk");

        Assert.Equal(("uk", "GBP", false), (cart.Market, cart.Currency, cart.Guest));
        Assert.Empty(cart.Lines);
        Assert.Null(cart.Version);
        Assert.Null(cart.ExpiresAt);
        Assert.Equal(("VAT", "included", 0L), (cart.Totals.Tax.Name, cart.Totals.Tax.Treatment, cart.Totals.Tax.Amount!.MinorUnits));
    }

    [Fact]
    public async Task GetAsync_PriceChangedSinceTheLineWasAdded_ShowsTheNewPriceAndFlagsIt()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        await shop.AddAsync(Shop.Viewer, product, 2);
        await shop.ChangeSkuAsync(product, "sku-1", s => s with { Price = new(1799, s.Price.Currency) });

        var cart = await shop.CartAsync(Shop.Viewer);

        var line = cart.Line(product);
        Assert.Equal((1799L, 1999L, true), (line.UnitPrice!.MinorUnits, line.AddedUnitPrice.MinorUnits, line.PriceChanged));
        Assert.Equal(3598, cart.Totals.Total.MinorUnits);
    }

    [Fact]
    public async Task GetAsync_SaleStartedAfterTheLineWasAdded_DealPriceAndPriceChanged()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product(stock: 50));
        var stream = await shop.CreateLiveStreamAsync("us", product);
        var sale = await shop.CreateSaleAsync(stream, FlashSaleInputBuilder.For(product.Id, shop.Clock.GetUtcNow()).WithPerCustomerLimit(3));
        await shop.AddAsync(Shop.Viewer, product, 2, streamId: stream.Id);
        shop.Clock.SetUtcNow(sale.StartsAt);

        var cart = await shop.CartAsync(Shop.Viewer);

        var line = cart.Line(product);
        Assert.Equal((999L, 1999L, true), (line.UnitPrice!.MinorUnits, line.AddedUnitPrice.MinorUnits, line.PriceChanged));
        Assert.Equal(("active", true, 3L), (line.FlashSale!.State, line.FlashSale.Applied, line.FlashSale.RemainingForYou));
        Assert.Equal((3998L, 2000L, 1998L), (cart.Totals.Subtotal.MinorUnits, cart.Totals.Discount.MinorUnits, cart.Totals.Total.MinorUnits));
    }

    [Fact]
    public async Task GetAsync_SaleHasFewerUnitsLeftThanTheLine_RegularPrice()
    {
        var shop = new Shop();
        var (product, _, sale) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithAllotment(3).WithPerCustomerLimit(3));
        await shop.AddAsync(Shop.Viewer, product, 3, streamId: sale.StreamId);
        await shop.Stock.ReserveAsync(product, product.Sku(), StockLedger.HoldIdFor("someone-else", 0), 1, product.Sales[0], shop.Clock.GetUtcNow().AddMinutes(10), None);

        var line = (await shop.CartAsync(Shop.Viewer)).Line(product);

        Assert.Equal(sale.Id, line.FlashSale!.SaleId);
        Assert.Equal((1999L, false), (line.UnitPrice!.MinorUnits, line.FlashSale.Applied));
    }

    [Fact]
    public async Task GetAsync_StockHeldByOthers_AvailabilityAndSufficiencyFromTheLedger()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product(stock: 5));
        await shop.AddAsync(Shop.Viewer, product, 3);
        var expires = shop.Clock.GetUtcNow().AddMinutes(10);

        var before = (await shop.CartAsync(Shop.Viewer)).Line(product).Availability;
        await shop.Stock.ReserveAsync(product, product.Sku(), StockLedger.HoldIdFor("other-1", 0), 3, null, expires, None);
        var short1 = (await shop.CartAsync(Shop.Viewer)).Line(product).Availability;
        await shop.Stock.ReserveAsync(product, product.Sku(), StockLedger.HoldIdFor("other-2", 0), 2, null, expires, None);
        var none = (await shop.CartAsync(Shop.Viewer)).Line(product).Availability;

        Assert.Equal(new AvailabilityView(5, true, true), before);
        Assert.Equal(new AvailabilityView(2, true, false), short1);
        Assert.Equal(new AvailabilityView(0, false, false), none);
    }

    [Fact]
    public async Task GetAsync_LineOfAnArchivedProduct_UnavailableAndLeftOutOfTheTotals()
    {
        var shop = new Shop();
        var kept = await shop.CreateProductAsync(input: CartSteps.Product(price: 500));
        var archived = await shop.CreateProductAsync(input: CartSteps.Product(price: 1999));
        await shop.AddAsync(Shop.Viewer, kept, 1);
        await shop.AddAsync(Shop.Viewer, archived, 2);
        await shop.Catalog.ArchiveAsync(Callers.Merchant(), Shop.MerchantId, archived.Id, null, None);

        var cart = await shop.CartAsync(Shop.Viewer);

        var line = cart.Line(archived);
        Assert.Equal("unavailable", line.Problem);
        Assert.Null(line.UnitPrice);
        Assert.Null(line.LineTotal);
        Assert.Equal(new AvailabilityView(0, false, false), line.Availability);
        Assert.Equal(archived.Title, line.Title);
        Assert.Null(cart.Line(kept).Problem);
        Assert.Equal((500L, 500L), (cart.Totals.Subtotal.MinorUnits, cart.Totals.Total.MinorUnits));
        Assert.Equal(3, cart.ItemCount);
    }

    [Fact]
    public async Task GetAsync_SkuNoLongerOnTheProduct_Unavailable()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product().WithSku("sku-2", 700, stockOnHand: 3));
        await shop.AddAsync(Shop.Viewer, product, 1, "sku-2");
        await shop.ChangeSkuAsync(product, "sku-2", s => s with { Id = "sku-3" });

        var cart = await shop.CartAsync(Shop.Viewer);

        Assert.Equal("unavailable", cart.Line(product, "sku-2").Problem);
        Assert.Equal(0, cart.Totals.Total.MinorUnits);
    }

    [Fact]
    public async Task GetAsync_UkCart_VatIncludedInTheTotal()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product(market: "uk", price: 1999));
        await shop.AddAsync(Shop.Viewer, product, 2);

        var cart = await shop.CartAsync(Shop.Viewer, "uk");

        Assert.Equal((3998L, "GBP"), (cart.Totals.Total.MinorUnits, cart.Totals.Total.Currency));
        Assert.Equal(("included", 2000, 666L), (cart.Totals.Tax.Treatment, cart.Totals.Tax.RateBasisPoints, cart.Totals.Tax.Amount!.MinorUnits));
        Assert.Empty((await shop.CartAsync(Shop.Viewer, "us")).Lines);
    }

    [Fact]
    public async Task GetAsync_UsCart_TaxCalculatedAtCheckout()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        await shop.AddAsync(Shop.Viewer, product, 2);

        var tax = (await shop.CartAsync(Shop.Viewer)).Totals.Tax;

        Assert.Equal(("calculatedAtCheckout", (MoneyView?)null), (tax.Treatment, tax.Amount));
    }

    [Fact]
    public async Task GetAsync_IdleTimePassed_CartIsGone()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        await shop.AddAsync(Shop.Viewer, product, 2);
        var added = await shop.CartAsync(Shop.Viewer);

        shop.Clock.Advance(TimeSpan.FromSeconds(Shop.CartIdleSeconds - 1));
        var justBefore = await shop.CartAsync(Shop.Viewer);
        shop.Clock.Advance(TimeSpan.FromSeconds(1));
        var after = await shop.CartAsync(Shop.Viewer);

        Assert.Equal(added.ExpiresAt, shop.Clock.GetUtcNow());
        Assert.Single(justBefore.Lines);
        Assert.Empty(after.Lines);
        Assert.Null(after.Version);
    }

    [Fact]
    public async Task AddAsync_BeforeTheIdleTimePassed_RestartsIt()
    {
        var shop = new Shop();
        var first = await shop.CreateProductAsync(input: CartSteps.Product());
        var second = await shop.CreateProductAsync(input: CartSteps.Product());
        await shop.AddAsync(Shop.Viewer, first, 1);
        shop.Clock.Advance(TimeSpan.FromSeconds(Shop.CartIdleSeconds - 1));

        await shop.AddAsync(Shop.Viewer, second, 1);
        shop.Clock.Advance(TimeSpan.FromSeconds(Shop.CartIdleSeconds - 1));
        var cart = await shop.CartAsync(Shop.Viewer);

        Assert.Equal(2, cart.Lines.Count);
        Assert.Equal(shop.Clock.GetUtcNow().AddSeconds(1), cart.ExpiresAt);
    }

    [Fact]
    public async Task GetAsync_ReadingOnly_DoesNotRestartTheIdleTime()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        await shop.AddAsync(Shop.Viewer, product, 1);

        shop.Clock.Advance(TimeSpan.FromSeconds(Shop.CartIdleSeconds / 2));
        await shop.CartAsync(Shop.Viewer);
        shop.Clock.Advance(TimeSpan.FromSeconds(Shop.CartIdleSeconds / 2));

        Assert.Empty((await shop.CartAsync(Shop.Viewer)).Lines);
    }

    [Fact]
    public async Task AddAsync_GuestCart_StoredUnderTheHashOfItsToken()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        var token = CartOwner.NewGuestToken();

        await shop.AddAsync(CartOwner.ForGuest(token), product, 1);

        var again = CartOwner.ForGuest(token);
        var stored = await shop.CartStore.ReadAsync(again.Key, "us", None);
        Assert.NotNull(stored);
        Assert.DoesNotContain(token, stored.Value.OwnerKey, StringComparison.Ordinal);
        var cart = await shop.CartAsync(again);
        Assert.True(cart.Guest);
        Assert.Single(cart.Lines);
        Assert.Empty((await shop.CartAsync(CartOwner.ForGuest(CartOwner.NewGuestToken()))).Lines);
    }

    [Fact]
    public async Task RecordPurchaseAsync_FromTheCart_TakesTheBoughtUnitsOffAndCountsTheSaleUnits()
    {
        var shop = new Shop();
        var (onSale, _, sale) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(5));
        var regular = await shop.CreateProductAsync(input: CartSteps.Product());
        await shop.AddAsync(Shop.Viewer, onSale, 3, streamId: sale.StreamId);
        await shop.AddAsync(Shop.Viewer, regular, 2);

        await shop.Carts.RecordPurchaseAsync(
            Shop.Viewer,
            "us",
            "chk_cart",
            [new PurchasedLine(SkuRef.Of(onSale, onSale.Sku()), 2, sale.Id), new PurchasedLine(SkuRef.Of(regular, regular.Sku()), 2, null)],
            true,
            None);

        var stored = (await shop.CartStore.ReadAsync("u:viewer-1", "us", None))!.Value;
        var line = Assert.Single(stored.Lines);
        Assert.Equal((onSale.Id, 1L), (line.ProductId, line.Quantity));
        Assert.Equal(2, stored.BoughtIn(sale.Id));
        Assert.Equal(3, (await shop.CartAsync(Shop.Viewer)).Line(onSale).FlashSale!.RemainingForYou); // 5 per customer, 2 bought
    }

    [Fact]
    public async Task RecordPurchaseAsync_BuyNowTwice_LeavesTheLinesAndAddsUpTheSaleUnits()
    {
        var shop = new Shop();
        var (product, _, sale) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(5));
        await shop.AddAsync(Shop.Viewer, product, 1, streamId: sale.StreamId);
        PurchasedLine[] bought = [new PurchasedLine(SkuRef.Of(product, product.Sku()), 2, sale.Id)];

        await shop.Carts.RecordPurchaseAsync(Shop.Viewer, "us", "chk_2", bought, false, None);
        await shop.Carts.RecordPurchaseAsync(Shop.Viewer, "us", "chk_3", bought, false, None);

        var stored = (await shop.CartStore.ReadAsync("u:viewer-1", "us", None))!.Value;
        Assert.Equal(1, Assert.Single(stored.Lines).Quantity);
        Assert.Equal(4, stored.BoughtIn(sale.Id));
        await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.AddAsync(Shop.Viewer, product, 1, streamId: sale.StreamId));
    }

    [Fact]
    public async Task GetAsync_UnitsHeldByARunningCheckout_CountAgainstTheLimitAsCheckoutCountsThem()
    {
        var shop = new Shop();
        var (product, _, sale) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(2));
        await shop.AddAsync(Shop.Viewer, product, 1, streamId: sale.StreamId);
        Assert.True(await shop.Claims.TryClaimAsync(Shop.Viewer.UserId!, sale.Id, "chk_running", 2, sale.PerCustomerLimit, None));

        var line = (await shop.CartAsync(Shop.Viewer)).Line(product);

        Assert.False(line.FlashSale!.Applied);
        Assert.Equal(0, line.FlashSale.RemainingForYou);
        Assert.Equal(line.RegularUnitPrice, line.UnitPrice);
    }

    [Fact]
    public async Task RecordPurchaseAsync_SameCheckoutTwice_CountsItOnce()
    {
        var shop = new Shop();
        var (product, _, sale) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(5));
        await shop.AddAsync(Shop.Viewer, product, 3, streamId: sale.StreamId);
        PurchasedLine[] bought = [new PurchasedLine(SkuRef.Of(product, product.Sku()), 1, sale.Id)];

        await shop.Carts.RecordPurchaseAsync(Shop.Viewer, "us", "chk_same", bought, true, None);
        await shop.Carts.RecordPurchaseAsync(Shop.Viewer, "us", "chk_same", bought, true, None);

        var stored = (await shop.CartStore.ReadAsync("u:viewer-1", "us", None))!.Value;
        Assert.Equal(2, Assert.Single(stored.Lines).Quantity);
        Assert.Equal(1, stored.BoughtIn(sale.Id));
    }

    [Fact]
    public async Task RecordPurchaseAsync_NoCartYet_CreatesOneThatCountsTheSaleUnits()
    {
        var shop = new Shop();

        await shop.Carts.RecordPurchaseAsync(Shop.Viewer, "us", "chk_4", [new PurchasedLine(new SkuRef(Shop.MerchantId, "prd_1", "sku-1"), 1, "fls_1")], false, None);

        var stored = (await shop.CartStore.ReadAsync("u:viewer-1", "us", None))!.Value;
        Assert.Empty(stored.Lines);
        Assert.Equal(1, stored.BoughtIn("fls_1"));
    }

    [Fact]
    public async Task RecordPurchaseAsync_MoreSalesThanKept_DropsTheLeastRecentlyBought()
    {
        var shop = new Shop();
        var sku = new SkuRef(Shop.MerchantId, "prd_1", "sku-1");
        for (var i = 0; i < Cart.MaxSalePurchases; i++)
        {
            await shop.Carts.RecordPurchaseAsync(Shop.Viewer, "us", $"chk_loop_{i}", [new PurchasedLine(sku, 1, $"fls_{i}")], false, None);
        }

        await shop.Carts.RecordPurchaseAsync(Shop.Viewer, "us", "chk_6", [new PurchasedLine(sku, 1, "fls_0")], false, None);
        await shop.Carts.RecordPurchaseAsync(Shop.Viewer, "us", "chk_7", [new PurchasedLine(sku, 1, "fls_new")], false, None);

        var stored = (await shop.CartStore.ReadAsync("u:viewer-1", "us", None))!.Value;
        Assert.Equal(Cart.MaxSalePurchases, stored.SalePurchases.Count);
        Assert.Equal(2, stored.BoughtIn("fls_0"));
        Assert.Equal(1, stored.BoughtIn("fls_new"));
        Assert.False(stored.SalePurchases.ContainsKey("fls_1"));
    }

    [Fact]
    public async Task AddAsync_TotalPastTheMostAnOrderMayCost_422TotalTooLargeAndNothingWritten()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: new ProductInputBuilder().WithSku("sku-1", ProductRules.MaxPriceMinorUnits).WithSku("sku-2", 1));
        await shop.AddAsync(Shop.Viewer, product, 1);
        var before = await shop.CartAsync(Shop.Viewer);

        var error = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.AddAsync(Shop.Viewer, product, 1, "sku-2"));

        Assert.Equal(PriceBook.TotalTooLarge, error.Title);
        Assert.Equal(before.Version, (await shop.CartAsync(Shop.Viewer)).Version);
        await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.Carts.SetQuantityAsync(Shop.Viewer, "us", CartSteps.LineId(product), new CartQuantityInput(2), null, None));
        Assert.Equal(before.Version, (await shop.CartAsync(Shop.Viewer)).Version);
    }

    [Fact]
    public async Task GetAsync_UkCartOf47LinesOf99UnitsAtTheHighestPrice_ShowsItsTotalsInsteadOf500()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: ProductInputBuilder.For("uk").WithSkus(47));
        foreach (var sku in product.Skus)
        {
            await shop.ChangeSkuAsync(product, sku.Id, s => s with { Price = MarketRegistry.Get("uk").Amount(ProductRules.MaxPriceMinorUnits) });
        }

        var lines = product.Skus.Select(s => new CartLine(
            CartLine.IdFor(SkuRef.Of(product, s)), product.MerchantId, product.Id, s.Id, 99, null,
            MarketRegistry.Get("uk").Amount(ProductRules.MaxPriceMinorUnits), shop.Clock.GetUtcNow())).ToList();
        await shop.CartStore.CreateAsync(Cart.Empty(Shop.Viewer, "uk", shop.Clock.GetUtcNow(), shop.CartSettings.IdleSeconds) with { Lines = lines }, None);

        var cart = await shop.CartAsync(Shop.Viewer, "uk");

        Assert.Equal(47 * 99 * ProductRules.MaxPriceMinorUnits, cart.Totals.Total.MinorUnits);
    }
}

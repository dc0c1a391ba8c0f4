using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.UnitTests.Builders;

namespace LiveShop.UnitTests.Sales;

/// <summary>A stream's flash sales as viewers see them, as the clock moves and units go.</summary>
public class FlashSaleListTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task ListAsync_BeforeTheStart_UpcomingWithTheCountdown()
    {
        var shop = new Shop();
        var (product, stream) = await FlashSaleServiceTests.LiveAsync(shop);
        var created = await shop.CreateSaleAsync(stream, FlashSaleServiceTests.Sale(shop, product).StartingIn(30));
        shop.Clock.Advance(TimeSpan.FromSeconds(10.5));

        var sale = await OnlySaleAsync(shop, stream.Id);

        Assert.Equal(created.Id, sale.Id);
        Assert.Equal(("upcoming", (string?)null), (sale.State, sale.EndedReason));
        Assert.Equal((20L, (long?)null), (sale.SecondsToStart, sale.SecondsToEnd)); // 19.5 s, rounded up
        Assert.Equal(10, sale.UnitsLeft);
    }

    [Fact]
    public async Task ListAsync_WhileRunning_ActiveWithTheTimeLeft()
    {
        var shop = new Shop();
        var (product, stream) = await FlashSaleServiceTests.LiveAsync(shop);
        var created = await shop.CreateSaleAsync(stream, FlashSaleServiceTests.Sale(shop, product).Lasting(600));
        shop.Clock.SetUtcNow(created.StartsAt.AddSeconds(100));

        var sale = await OnlySaleAsync(shop, stream.Id);

        Assert.Equal(("active", (string?)null), (sale.State, sale.EndedReason));
        Assert.Equal(((long?)null, 500L), (sale.SecondsToStart, sale.SecondsToEnd));
    }

    [Fact]
    public async Task ListAsync_AtItsEnd_EndedByTime()
    {
        var shop = new Shop();
        var (product, stream) = await FlashSaleServiceTests.LiveAsync(shop);
        var created = await shop.CreateSaleAsync(stream, FlashSaleServiceTests.Sale(shop, product));
        shop.Clock.SetUtcNow(created.EndsAt);

        var sale = await OnlySaleAsync(shop, stream.Id);

        Assert.Equal(("ended", "time", 0L), (sale.State, sale.EndedReason, sale.UnitsLeft));
        Assert.Equal(((long?)null, (long?)null), (sale.SecondsToStart, sale.SecondsToEnd));
    }

    [Fact]
    public async Task ListAsync_Cancelled_EndedWithReasonCancelled()
    {
        var shop = new Shop();
        var (product, _, created) = await shop.ActiveSaleAsync(FlashSaleServiceTests.Product());
        await shop.Sales.CancelAsync(Callers.Merchant(), Shop.MerchantId, product.Id, created.Id, None);

        var sale = await OnlySaleAsync(shop, created.StreamId);

        Assert.Equal(("ended", "cancelled", 0L), (sale.State, sale.EndedReason, sale.UnitsLeft));
    }

    [Fact]
    public async Task ListAsync_UnitsHeldByCheckouts_UnitsLeftFromTheLedger()
    {
        var shop = new Shop();
        var (product, _, created) = await shop.ActiveSaleAsync(FlashSaleServiceTests.Product());
        await ReserveAsync(shop, product, "c1", 3);

        var sale = await OnlySaleAsync(shop, created.StreamId);

        Assert.Equal(("active", 7L), (sale.State, sale.UnitsLeft));
    }

    [Fact]
    public async Task ListAsync_AllUnitsHeld_EndedSoldOutUntilUnitsComeBack()
    {
        var shop = new Shop();
        var (product, _, created) = await shop.ActiveSaleAsync(FlashSaleServiceTests.Product(), s => s.WithAllotment(2));
        await ReserveAsync(shop, product, "c1", 2);

        var soldOut = await OnlySaleAsync(shop, created.StreamId);
        await shop.Stock.ReleaseAsync(SkuRef.Of(product, product.Sku()), StockLedger.HoldIdFor("c1", 0), None);
        var back = await OnlySaleAsync(shop, created.StreamId);

        Assert.Equal(("ended", "sold_out", 0L, (long?)null), (soldOut.State, soldOut.EndedReason, soldOut.UnitsLeft, soldOut.SecondsToEnd));
        Assert.Equal(("active", (string?)null, 2L), (back.State, back.EndedReason, back.UnitsLeft));
    }

    [Fact]
    public async Task ListAsync_SkuOutOfStockAtItsRegularPrice_SaleSoldOutToo()
    {
        var shop = new Shop();
        var (product, _, created) = await shop.ActiveSaleAsync(ProductInputBuilder.For("us").WithSku("sku-1", 1999, stockOnHand: 3));
        await shop.Stock.ReserveAsync(product, product.Sku(), StockLedger.HoldIdFor("regular", 0), 3, null, shop.Clock.GetUtcNow().AddMinutes(10), None);

        var sale = await OnlySaleAsync(shop, created.StreamId);

        Assert.Equal(("ended", "sold_out", 0L), (sale.State, sale.EndedReason, sale.UnitsLeft));
    }

    [Fact]
    public async Task ListAsync_AllotmentAboveTheStock_UnitsLeftCappedAtTheStock()
    {
        var shop = new Shop();
        var (product, stream) = await FlashSaleServiceTests.LiveAsync(shop, ProductInputBuilder.For("us").WithSku("sku-1", 1999, stockOnHand: 4));
        await shop.CreateSaleAsync(stream, FlashSaleServiceTests.Sale(shop, product).WithAllotment(10));

        var sale = await OnlySaleAsync(shop, stream.Id);

        Assert.Equal(4, sale.UnitsLeft);
    }

    [Fact]
    public async Task ListAsync_RunningSaleSoldOutWithTheNextScheduled_EachShowsItsOwnState()
    {
        var shop = new Shop();
        var (product, stream, running) = await shop.ActiveSaleAsync(FlashSaleServiceTests.Product(), s => s.WithAllotment(2).Lasting(60));
        await ReserveAsync(shop, product, "c1", 2);
        shop.Clock.Advance(TimeSpan.FromSeconds(30));
        var next = await shop.CreateSaleAsync(stream, FlashSaleServiceTests.Sale(shop, product).StartingAt(running.EndsAt).WithAllotment(5));

        var sales = (await shop.Sales.ListAsync(stream.Id, None)).Sales;

        Assert.Equal([running.Id, next.Id], sales.Select(s => s.Id));
        Assert.Equal(("ended", "sold_out", 0L), (sales[0].State, sales[0].EndedReason, sales[0].UnitsLeft));
        Assert.Equal(("upcoming", 5L, 30L), (sales[1].State, sales[1].UnitsLeft, sales[1].SecondsToStart));
    }

    [Fact]
    public async Task ListAsync_SeveralSalesAndStreams_OnlyThisStreamsOldestStartFirst()
    {
        var shop = new Shop();
        var first = await shop.CreateProductAsync(input: FlashSaleServiceTests.Product());
        var second = await shop.CreateProductAsync(input: FlashSaleServiceTests.Product());
        var stream = await shop.CreateLiveStreamAsync("us", first, second);
        var otherStream = await shop.CreateLiveStreamAsync("us", first);
        var later = await shop.CreateSaleAsync(stream, FlashSaleServiceTests.Sale(shop, first).StartingIn(200));
        var sooner = await shop.CreateSaleAsync(stream, FlashSaleServiceTests.Sale(shop, second).StartingIn(20));
        await shop.CreateSaleAsync(otherStream, FlashSaleServiceTests.Sale(shop, first).StartingIn(20).Lasting(60));

        var listed = await shop.Sales.ListAsync(stream.Id, None);

        Assert.Equal((stream.Id, shop.Clock.GetUtcNow()), (listed.StreamId, listed.Now));
        Assert.Equal([sooner.Id, later.Id], listed.Sales.Select(s => s.Id));
    }

    [Fact]
    public async Task ListAsync_EmptyShowcase_NoSales()
    {
        var shop = new Shop();
        var stream = await shop.CreateLiveStreamAsync("us");

        Assert.Empty((await shop.Sales.ListAsync(stream.Id, None)).Sales);
    }

    [Fact]
    public async Task ListAsync_UnknownStream_NotFound()
    {
        var shop = new Shop();

        await Problem.ThrowsAsync(ErrorKind.NotFound, () => shop.Sales.ListAsync("str_missing", None));
    }

    [Fact]
    public async Task ListAsync_ReadingOnly_WritesNoStock()
    {
        LatentStockStore? latent = null;
        var shop = new Shop(wrapStock: inner => latent = new LatentStockStore(inner, yields: false));
        var (_, _, created) = await shop.ActiveSaleAsync(FlashSaleServiceTests.Product());

        await OnlySaleAsync(shop, created.StreamId);

        Assert.Equal(0, latent!.Writes);
    }

    private static async Task<FlashSaleView> OnlySaleAsync(Shop shop, string streamId) =>
        Assert.Single((await shop.Sales.ListAsync(streamId, None)).Sales);

    /// <summary>Holds units of the product's (only) sale for a checkout.</summary>
    private static async Task ReserveAsync(Shop shop, Product product, string checkoutId, long quantity)
    {
        var reserved = await shop.Stock.ReserveAsync(
            product, product.Sku(), StockLedger.HoldIdFor(checkoutId, 0), quantity, product.Sales.Single(), shop.Clock.GetUtcNow().AddMinutes(10), None);
        Assert.Equal(ReservationOutcome.Reserved, reserved.Outcome);
    }
}

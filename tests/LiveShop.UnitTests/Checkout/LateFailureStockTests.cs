using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage.InMemory;
using LiveShop.UnitTests.Builders;
using Moq;

namespace LiveShop.UnitTests.Checkout;

/// <summary>
/// A checkout that fails after its units were sold gives them back exactly once, however late its failure step runs
/// (it may be retried for about a day), and a commit step that finds a hold lost gives back at once what it sold.
/// </summary>
public sealed class LateFailureStockTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly Shop _shop = new();
    private readonly InMemoryCheckoutStore _checkouts = new();
    private readonly CheckoutSteps _steps;

    public LateFailureStockTests() =>
        _steps = new CheckoutSteps(
            _shop.ProductStore, _shop.Stock, _shop.Claims, _shop.OpenCheckouts, new InMemoryOrderStore(), _checkouts, Mock.Of<IPaymentProvider>(p => p.Name == "simulated"),
            _shop.Carts, _shop.Live.Object, _shop.Clock);

    [Fact]
    public async Task FailAsync_StockCommittedAndRunMoreThanAnHourAfterTheHoldsExpiry_GivesTheUnitsBackOnce()
    {
        var product = await _shop.CreateProductAsync(input: new ProductInputBuilder().WithSku("sku-1", stockOnHand: 100));
        var progress = await CommittedAsync(product, 6);
        Assert.Equal((94L, 6L), await UnitsAsync(product));

        _shop.Clock.SetUtcNow(progress.HoldUntil + StockLedger.FinishedHoldRetention + TimeSpan.FromHours(3));
        await _shop.Stock.SweepAsync(None);
        var failure = new CheckoutFailure(
            progress.Start, progress.Lines, "pi_1", new CheckoutRejection(RejectionReasons.PaymentUnavailable, null, "capture failed"),
            null, progress.Holds, progress.HoldUntil, StockCommitted: true);
        await _steps.FailAsync(failure, None);
        await _steps.FailAsync(failure, None);

        Assert.Equal((100L, 0L), await UnitsAsync(product));
    }

    [Fact]
    public async Task CommitStockAsync_SecondLineLost_FirstLineGivenBackAtOnce()
    {
        var product = await _shop.CreateProductAsync(input: new ProductInputBuilder().WithSku("sku-1", stockOnHand: 100).WithSku("sku-2", stockOnHand: 100));
        var progress = await ReservedAsync(product, ("sku-1", 3), ("sku-2", 2));
        var second = progress.Holds!.Single(h => h.Line == 1).Held.Single();
        await _shop.StockStore.TryApplyAsync(second.ShardId, new StockChange.Release(StockLedger.HoldIdFor(progress.Start.CheckoutId, 1), second.Quantity, null), None);

        Assert.False(await _steps.CommitStockAsync(progress, None));

        Assert.Equal((100L, 0L), await UnitsAsync(product, "sku-1"));
        _shop.Clock.SetUtcNow(progress.HoldUntil + StockLedger.FinishedHoldRetention + TimeSpan.FromHours(3));
        await _steps.FailAsync(new CheckoutFailure(
            progress.Start, progress.Lines, "pi_1", new CheckoutRejection(RejectionReasons.Expired, null, "lost"), null, progress.Holds, progress.HoldUntil), None);
        Assert.Equal((100L, 0L), await UnitsAsync(product, "sku-1"));
        Assert.Equal((100L, 0L), await UnitsAsync(product, "sku-2"));
    }

    private async Task<CheckoutProgress> CommittedAsync(Product product, long quantity)
    {
        var progress = await ReservedAsync(product, ("sku-1", quantity));
        Assert.True(await _steps.CommitStockAsync(progress, None));
        return progress;
    }

    private async Task<CheckoutProgress> ReservedAsync(Product product, params (string Sku, long Quantity)[] lines)
    {
        var start = new CheckoutStart(
            "chk_late", "ord_late", "viewer-1", "us", Shop.MerchantId, CheckoutSource.Cart,
            lines.Select(l => new CheckoutItem(Shop.MerchantId, product.Id, l.Sku, l.Quantity, null)).ToList(), "pm_card_visa");
        await _checkouts.CreateAsync(
            new Core.Checkout.Checkout(
                start.CheckoutId, start.BuyerId, start.OrderId, "hash", start.Market, start.MerchantId, start.Source, start.Items, start.PaymentMethod,
                CheckoutStatus.Pending, null, null, null, null, false, _shop.Clock.GetUtcNow(), _shop.Clock.GetUtcNow()),
            None);
        var pricing = await _steps.PriceAsync(start, None);
        var holdUntil = _shop.Clock.GetUtcNow().AddMinutes(15);
        var reservation = await _steps.ReserveAsync(new ReservationRequest(start, pricing.Lines!, holdUntil), None);
        Assert.Null(reservation.Rejection);
        var progress = new CheckoutProgress(start, pricing.Lines!, pricing.Amounts!, "pi_1", reservation.Holds, holdUntil);
        await _steps.CreateOrderAsync(progress, None);
        return progress;
    }

    private async Task<(long Available, long Sold)> UnitsAsync(Product product, string skuId = "sku-1")
    {
        var shards = await _shop.StockStore.ReadAsync(
            Enumerable.Range(0, StockLedger.MaxShards).Select(i => StockShard.IdOf(product.Id, skuId, i)).ToList(), None);
        return (shards.Sum(s => s.Available), shards.Sum(s => s.Sold));
    }
}

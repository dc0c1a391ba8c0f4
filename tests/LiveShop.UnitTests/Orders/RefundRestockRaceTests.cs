using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage.InMemory;
using LiveShop.UnitTests.Builders;
using Moq;

namespace LiveShop.UnitTests.Orders;

/// <summary>
/// A refund with restock puts its units back exactly once across a SKU's shards, however many parallel retries of it
/// (one Idempotency-Key) run, and whatever they read before the others wrote.
/// </summary>
public sealed class RefundRestockRaceTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly GatedStockStore _gate;
    private readonly Shop _shop;
    private readonly InMemoryOrderStore _orders = new();
    private readonly InMemoryCheckoutStore _checkouts = new();
    private readonly Mock<IPaymentProvider> _payments = new();
    private readonly CheckoutSteps _steps;
    private readonly OrderService _service;

    public RefundRestockRaceTests()
    {
        GatedStockStore? gate = null;
        _shop = new Shop(wrapStock: inner => gate = new GatedStockStore(inner));
        _gate = gate!;
        _payments.Setup(p => p.Name).Returns("simulated");
        _payments.Setup(p => p.RefundAsync(It.IsAny<string>(), It.IsAny<Core.Money.Money>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, Core.Money.Money amount, string key, CancellationToken _) => new RefundResult("re_" + key, amount));
        _steps = new CheckoutSteps(
            _shop.ProductStore, _shop.Stock, _shop.Claims, _shop.OpenCheckouts, _orders, _checkouts, _payments.Object,
            _shop.Carts, _shop.Live.Object, _shop.Clock);
        _service = new OrderService(_orders, _checkouts, _payments.Object, _shop.Stock, _shop.Clock);
    }

    [Theory]
    [InlineData(10, 2)]
    [InlineData(16, 3)]
    public async Task RefundAsync_ParallelRetriesOfOneKeyAllReadBeforeAnyWrites_RestockOnceAcrossEightShards(int retries, long units)
    {
        var product = await _shop.CreateProductAsync(input: new ProductInputBuilder().WithSku("sku-1", stockOnHand: 200));
        for (var i = 0; i < 24; i++)
        {
            // Other buyers' sales, so that every shard has sold units a wrong restock could take back.
            await PaidOrderAsync(product, $"chk_other_{i}", 3);
        }

        var order = await PaidOrderAsync(product, "chk_buyer", 5);
        var before = await UnitsAsync(product);
        Assert.Equal(StockLedger.MaxShards, before.Shards);
        _gate.Arm(retries);

        var answers = await Race.RunAsync(
            Enumerable.Range(0, retries),
            _ => _service.RefundAsync(Callers.Merchant(), Shop.MerchantId, order, "refund-1", new RefundInput([new RefundLineInput(1, units)], true), None));

        var after = await UnitsAsync(product);
        Assert.Equal((before.Available + units, before.Sold - units), (after.Available, after.Sold));
        Assert.All(answers, a => Assert.Equal(units, Assert.Single(a.Value.Lines).RefundedQuantity));

        // Repeated once more, after all of them: still nothing more.
        await _service.RefundAsync(Callers.Merchant(), Shop.MerchantId, order, "refund-1", new RefundInput([new RefundLineInput(1, units)], true), None);
        Assert.Equal((before.Available + units, before.Sold - units), ((await UnitsAsync(product)).Available, (await UnitsAsync(product)).Sold));
    }

    /// <summary>A paid order of one line, made by the checkout's own steps (reserve, order, commit); returns its id.</summary>
    private async Task<string> PaidOrderAsync(Product product, string checkoutId, long quantity)
    {
        var item = new CheckoutItem(Shop.MerchantId, product.Id, "sku-1", quantity, null);
        var start = new CheckoutStart(checkoutId, "ord_" + checkoutId[4..], "viewer-1", "us", Shop.MerchantId, CheckoutSource.BuyNow, [item], "pm_card_visa");
        await _checkouts.CreateAsync(
            new Core.Checkout.Checkout(
                start.CheckoutId, start.BuyerId, start.OrderId, "hash", start.Market, start.MerchantId, start.Source, start.Items, start.PaymentMethod,
                CheckoutStatus.Pending, null, null, null, null, false, _shop.Clock.GetUtcNow(), _shop.Clock.GetUtcNow()),
            None);
        var pricing = await _steps.PriceAsync(start, None);
        var holdUntil = _shop.Clock.GetUtcNow().AddMinutes(15);
        var reservation = await _steps.ReserveAsync(new ReservationRequest(start, pricing.Lines!, holdUntil), None);
        Assert.Null(reservation.Rejection);
        var progress = new CheckoutProgress(start, pricing.Lines!, pricing.Amounts!, "pi_" + checkoutId, reservation.Holds, holdUntil);
        await _steps.CreateOrderAsync(progress, None);
        Assert.True(await _steps.CommitStockAsync(progress, None));
        await _orders.UpdateAsync(
            Shop.MerchantId,
            start.OrderId,
            o => o with { Status = OrderStatus.Paid, Payment = o.Payment with { PaymentId = "pi_" + checkoutId, CapturedAt = _shop.Clock.GetUtcNow() } },
            () => new InvalidOperationException("no order"),
            None);
        return start.OrderId;
    }

    private async Task<(long Available, long Sold, int Shards)> UnitsAsync(Product product)
    {
        var shards = await _shop.StockStore.ReadAsync(
            Enumerable.Range(0, StockLedger.MaxShards).Select(i => StockShard.IdOf(product.Id, "sku-1", i)).ToList(), None);
        return (shards.Sum(s => s.Available), shards.Sum(s => s.Sold), shards.Count);
    }
}

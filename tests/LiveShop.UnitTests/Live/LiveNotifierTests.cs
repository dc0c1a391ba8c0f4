using LiveShop.Core.Checkout;
using LiveShop.Core.Live;
using LiveShop.Core.Streams;
using LiveShop.UnitTests.Builders;

namespace LiveShop.UnitTests.Live;

public sealed class LiveNotifierTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly LiveRig _rig = new();

    private Shop Shop => _rig.Shop;

    [Fact]
    public async Task PinChangedAsync_PinnedSaleSku_SendsOneCardWithThePriceNowAndTheSale()
    {
        var (product, stream, sale) = await Shop.ActiveSaleAsync(new ProductInputBuilder().WithSku("sku-1", 1999, stockOnHand: 40), s => s.WithDealPrice(999).WithAllotment(10));
        var pinned = (await Shop.Streams.PinAsync(Callers.Merchant(), stream.Id, new PinInput(product.Id, "sku-1"), null, None)).Value;

        await _rig.Notifier.PinChangedAsync(pinned, None);

        var sent = Assert.Single(_rig.Service.Sent);
        Assert.Equal((LiveGroups.Stream(stream.Id), LiveMethods.Pinned), (sent.Group, sent.Method));
        var card = Assert.IsType<PinnedMessage>(sent.Message);
        Assert.Equal((product.Id, "sku-1", "Linen shirt", 1L), (card.ProductId, card.SkuId, card.Title, card.Revision));
        Assert.Equal((999L, 1999L), (card.Price.MinorUnits, card.RegularPrice.MinorUnits));
        Assert.Equal((sale.Id, "active", 10L, sale.EndsAt), (card.Sale!.SaleId, card.Sale.State, card.Sale.UnitsLeft, card.Sale.EndsAt));
        Assert.Equal(stream.Id, Assert.Single(await Shop.LiveStore.PinEventsAsync(stream.Id, null, 5, None)).ProductId == product.Id ? stream.Id : null);
    }

    [Fact]
    public async Task EveryMessage_OfAStream_HasAGreaterSequenceThanTheOneBefore()
    {
        var product = await Shop.CreateProductAsync();
        var stream = await Shop.CreateLiveStreamAsync("us", product);
        var pinned = (await Shop.Streams.PinAsync(Callers.Merchant(), stream.Id, new PinInput(product.Id, null), null, None)).Value;
        var unpinned = (await Shop.Streams.UnpinAsync(Callers.Merchant(), stream.Id, null, None)).Value;

        await _rig.Notifier.StreamStateChangedAsync(pinned, None);
        await _rig.Notifier.PinChangedAsync(pinned, None);
        await _rig.Notifier.PinChangedAsync(unpinned, None);
        _rig.Notifier.StockChanged(stream.Id, Core.Catalog.SkuRef.Of(product, product.Skus[0]));

        var sequences = _rig.Service.Sent.Select(s => s.Message.Sequence).ToList();
        Assert.Equal([1L, 2L, 3L, 4L], sequences);
        Assert.Equal([LiveMethods.StreamState, LiveMethods.Pinned, LiveMethods.Unpinned, LiveMethods.StockChanged], _rig.Service.Sent.Select(s => s.Method));
    }

    [Fact]
    public async Task StockChanged_AThousandPurchasesInASlot_SendTwoSaleMessagesAndTheLastSaysSoldOut()
    {
        var (product, stream, _) = await Shop.ActiveSaleAsync(new ProductInputBuilder().WithSku("sku-1", 1999, stockOnHand: 40), s => s.WithAllotment(10).WithPerCustomerLimit(10));
        var sku = Core.Catalog.SkuRef.Of(product, product.Skus[0]);
        var sale = product.Sales[0];

        for (var i = 0; i < 1000; i++)
        {
            if (i < 10)
            {
                await Shop.Stock.ReserveAsync(product, product.Skus[0], Core.Stock.StockLedger.HoldIdFor($"chk_{i}", 0), 1, sale, Shop.Clock.GetUtcNow().AddMinutes(10), None);
            }

            _rig.Notifier.StockChanged(stream.Id, sku);
        }

        await _rig.NextSlotAsync(LiveNotifier.StockWindow);

        var saleMessages = _rig.Service.To<SaleChangedMessage>(LiveGroups.Stream(stream.Id));
        Assert.Equal(2, saleMessages.Count);
        Assert.Equal((9L, "active"), (saleMessages[0].UnitsLeft, saleMessages[0].State));
        Assert.Equal((0L, "ended", "sold_out"), (saleMessages[1].UnitsLeft, saleMessages[1].State, saleMessages[1].EndedReason));
        Assert.Equal([39L, 30L], _rig.Service.To<StockChangedMessage>(LiveGroups.Stream(stream.Id)).Select(m => m.Available));
    }

    [Fact]
    public async Task AnUpdate_WhenTheServiceIsDown_NeverThrows()
    {
        var product = await Shop.CreateProductAsync();
        var stream = await Shop.CreateLiveStreamAsync("us", product);
        var pinned = (await Shop.Streams.PinAsync(Callers.Merchant(), stream.Id, new PinInput(product.Id, null), null, None)).Value;
        _rig.Service.Failure = new HttpRequestException("SignalR Service answered 503");

        await _rig.Notifier.PinChangedAsync(pinned, None);
        await _rig.Notifier.StreamStateChangedAsync(pinned, None);
        _rig.Notifier.AudienceChanged(stream.Id);

        Assert.Empty(_rig.Service.Sent);
    }

    [Fact]
    public async Task CheckoutChangedAsync_SendsTheStatusToTheBuyerOnly()
    {
        var checkout = new Core.Checkout.Checkout(
            "chk_1", "viewer-9", "ord_1", "hash", "us", Shop.MerchantId, CheckoutSource.BuyNow,
            [new CheckoutItem(Shop.MerchantId, "prd_1", "sku-1", 1, "str_1")], "pm_card_visa", CheckoutStatus.Rejected,
            new CheckoutRejection(RejectionReasons.SaleSoldOut, "sku-1", "sold out"), null, null, null, true, Shop.Clock.GetUtcNow(), Shop.Clock.GetUtcNow());

        await _rig.Notifier.CheckoutChangedAsync(checkout, None);

        var sent = Assert.Single(_rig.Service.Sent);
        Assert.Equal(("viewer-9", (string?)null, LiveMethods.Checkout), (sent.User, sent.Group, sent.Method));
        var notice = Assert.IsType<CheckoutMessage>(sent.Message);
        Assert.Equal(("chk_1", "rejected", RejectionReasons.SaleSoldOut, "ord_1", "str_1", 2L), (notice.CheckoutId, notice.Status, notice.Reason, notice.OrderId, notice.StreamId, notice.Sequence));
    }

    [Fact]
    public async Task AudienceChanged_SendsTheCountToViewersAndTheStatsToTheHostOnly()
    {
        var product = await Shop.CreateProductAsync();
        var stream = await Shop.CreateLiveStreamAsync("us", product);
        var now = Shop.Clock.GetUtcNow();
        foreach (var connection in new[] { "c1", "c2", "c3" })
        {
            await Shop.LiveStore.UpsertPresenceAsync(new ViewerPresence(stream.Id, connection, "u-" + connection, false, now, now.AddMinutes(10)), None);
        }

        await Shop.LiveStore.RecordSaleAsync(new StreamSale(stream.Id, "ord_1", 2, 3998, "USD", now), None);
        await Shop.LiveStore.RecordSaleAsync(new StreamSale(stream.Id, "ord_1", 2, 3998, "USD", now), None);

        _rig.Notifier.AudienceChanged(stream.Id);

        Assert.Equal(3L, Assert.Single(_rig.Service.To<ViewersMessage>(LiveGroups.Stream(stream.Id))).Viewers);
        var stats = Assert.Single(_rig.Service.To<StatsMessage>(LiveGroups.Host(stream.Id)));
        Assert.Equal((3L, 3L, 1L, 2L, 3998L, 0.3333), (stats.Viewers, stats.PeakViewers, stats.PaidOrders, stats.UnitsSold, stats.Gmv.MinorUnits, stats.Conversion));
        Assert.Empty(_rig.Service.To<StatsMessage>(LiveGroups.Stream(stream.Id)));
    }
}

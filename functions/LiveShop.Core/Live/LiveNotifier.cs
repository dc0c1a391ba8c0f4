using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Markets;
using LiveShop.Core.Orders;
using LiveShop.Core.Pricing;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.Core.Streams;
using Microsoft.Extensions.Logging;

namespace LiveShop.Core.Live;

/// <summary>
/// Turns changes into live messages: one send per message to the stream's group (or the host group, or the buyer),
/// whatever the number of viewers. Pins, unpins, stream states and flash-sale starts and ends are sent at once; stock and
/// sale units at most twice a second per SKU and stream, viewers and stats at most once every 2 s (<see cref="SlotCoalescer"/>),
/// each read when sent so the latest state wins.
/// </summary>
public sealed class LiveNotifier(
    ILiveBroadcaster broadcaster,
    ILiveStore store,
    SlotCoalescer coalescer,
    IProductStore products,
    IStreamStore streams,
    StockLedger stock,
    TimeProvider clock,
    ILogger<LiveNotifier> logger) : ILiveEvents
{
    public static readonly TimeSpan StockWindow = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan AudienceWindow = TimeSpan.FromSeconds(2);

    /// <summary>The coalescing key of a stream's viewer count and host stats (sent together).</summary>
    public const string AudienceKey = "audience";

    public Task StreamStateChangedAsync(LiveStream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.Status == StreamStatus.Scheduled)
        {
            return Task.CompletedTask;
        }

        var state = stream.Status == StreamStatus.Live ? "live" : "ended";
        var at = (stream.Status == StreamStatus.Live ? stream.StartedAt : stream.EndedAt) ?? stream.UpdatedAt;
        return SafelyAsync($"streamState of {stream.Id}", async ct =>
            await SendAsync(
                LiveGroups.Stream(stream.Id), LiveMethods.StreamState, new StreamStateMessage(stream.Id, await NextAsync(stream.Id, ct), state, at), ct));
    }

    public async Task PinChangedAsync(LiveStream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.LastPinEvent is not { } pinEvent)
        {
            return;
        }

        await SafelyAsync($"pin history of {stream.Id}", ct => store.SavePinEventAsync(stream.Id, pinEvent, ct));
        await SafelyAsync($"pin of {stream.Id}", async ct =>
        {
            if (pinEvent.Action == PinActions.Unpinned || stream.Pin is null)
            {
                await SendAsync(LiveGroups.Stream(stream.Id), LiveMethods.Unpinned,
                    new UnpinnedMessage(
                        stream.Id, await NextAsync(stream.Id, ct), pinEvent.Revision, pinEvent.ProductId, pinEvent.Reason ?? UnpinReasons.Merchant, pinEvent.At),
                    ct);
                return;
            }

            if (await PinCardAsync(stream, ct) is { } card)
            {
                await SendAsync(LiveGroups.Stream(stream.Id), LiveMethods.Pinned, card, ct);
            }
        });
    }

    /// <summary>The pin card of the stream's pin as it is now (null when the product is gone).</summary>
    public async Task<PinnedMessage?> PinCardAsync(LiveStream stream, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.Pin is not { } pin || stream.LastPinEvent is not { } pinEvent)
        {
            return null;
        }

        var product = (await products.ReadAsync(stream.MerchantId, pin.ProductId, ct))?.Value;
        var sku = product is null ? null : pin.SkuId is { } skuId ? product.FindSku(skuId) : (product.Skus.Count > 0 ? product.Skus[0] : null);
        if (product is null || sku is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var market = MarketRegistry.Get(product.Market);
        var sale = product.OpenSaleIn(sku.Id, stream.Id, now) ?? LastSaleIn(product, sku.Id, stream.Id);
        var level = (await stock.LevelsAsync([(product, sku)], ct))[SkuRef.Of(product, sku)];
        var price = PriceBook.Line(product, sku, stream.Id, 1, now, level, 0);
        PinnedSale? pinnedSale = null;
        if (sale is not null)
        {
            var view = FlashSaleView.From(product, sale, level, now);
            pinnedSale = new PinnedSale(sale.Id, view.DealPrice, view.State, view.EndedReason, view.UnitsLeft, sale.StartsAt, sale.EndsAt);
        }

        return new PinnedMessage(
            stream.Id, await NextAsync(stream.Id, ct), pinEvent.Revision, product.Id, sku.Id, product.Title,
            product.ImageUrls.Count > 0 ? product.ImageUrls[0] : null,
            MoneyView.From(price.Unit, market), MoneyView.From(sku.Price, market), pinnedSale, pin.PinnedAt);
    }

    public Task SalePhaseChangedAsync(Product product, FlashSale sale, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentNullException.ThrowIfNull(sale);
        return SafelyAsync($"sale {sale.Id}", ct => coalescer.SendNowAsync(
            sale.StreamId, SkuKey(product.Id, sale.SkuId), StockWindow, token => SendSkuAsync(sale.StreamId, product, sale.SkuId, token)));
    }

    public void StockChanged(string streamId, SkuRef sku)
    {
        ArgumentNullException.ThrowIfNull(sku);
        coalescer.Touch(streamId, SkuKey(sku.ProductId, sku.SkuId), StockWindow, async ct =>
        {
            if ((await products.ReadAsync(sku.MerchantId, sku.ProductId, ct))?.Value is { } product)
            {
                await SendSkuAsync(streamId, product, sku.SkuId, ct);
            }
        });
    }

    public Task CheckoutChangedAsync(Checkout.Checkout checkout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkout);
        var rank = checkout.Status switch
        {
            CheckoutStatus.Pending => 0,
            CheckoutStatus.AwaitingPaymentAction => 1,
            _ => 2,
        };
        var message = new CheckoutMessage(
            checkout.Items.Select(i => i.StreamId).FirstOrDefault(s => s is not null), rank, checkout.Id, OrderView.Snake(checkout.Status.ToString()),
            checkout.Rejection?.Reason, checkout.OrderId, checkout.NextActionUrl);
        return SafelyAsync($"checkout {checkout.Id}", ct => broadcaster.SendToUserAsync(checkout.BuyerId, LiveMethods.Checkout, message, ct));
    }

    public async Task OrderPaidAsync(Order order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        foreach (var lines in order.Lines.Where(l => l.StreamId is not null).GroupBy(l => l.StreamId!, StringComparer.Ordinal))
        {
            var gmv = lines.Aggregate(0L, (sum, l) => checked(sum + (l.UnitPrice.MinorUnits * l.Quantity)));
            var sale = new StreamSale(lines.Key, order.Id, lines.Sum(l => l.Quantity), gmv, order.Amounts.Total.Currency.Code, order.UpdatedAt);
            await SafelyAsync($"sales of stream {lines.Key}", ct => store.RecordSaleAsync(sale, ct));
            AudienceChanged(lines.Key);
        }
    }

    public void AudienceChanged(string streamId) =>
        coalescer.Touch(streamId, AudienceKey, AudienceWindow, ct => SendAudienceAsync(streamId, ct));

    /// <summary>The viewer count to the stream's viewers and the stats to its host, read now.</summary>
    private async Task SendAudienceAsync(string streamId, CancellationToken ct)
    {
        var viewers = await store.CountViewersAsync(streamId, clock.GetUtcNow(), ct);
        var peak = await store.RaisePeakAsync(streamId, viewers, ct);
        await SendAsync(LiveGroups.Stream(streamId), LiveMethods.Viewers, new ViewersMessage(streamId, await NextAsync(streamId, ct), viewers), ct);
        if ((await streams.ReadAsync(streamId, streamId, ct))?.Value is not { } stream)
        {
            return;
        }

        var totals = await store.SalesTotalsAsync(streamId, ct);
        var market = MarketRegistry.Get(stream.Market);
        var conversion = peak == 0 ? 0 : Math.Round((double)totals.PaidOrders / peak, 4);
        await SendAsync(LiveGroups.Host(streamId), LiveMethods.Stats, new StatsMessage(
            streamId, await NextAsync(streamId, ct), viewers, peak, totals.PaidOrders, totals.UnitsSold,
            MoneyView.From(new Money.Money(totals.GmvMinorUnits, market.Currency), market), conversion), ct);
    }

    /// <summary>The SKU's stream sale (if it has one that started) and its stock, as they are now.</summary>
    private async Task SendSkuAsync(string streamId, Product product, string skuId, CancellationToken ct)
    {
        if (product.FindSku(skuId) is not { } sku)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var level = (await stock.LevelsAsync([(product, sku)], ct))[SkuRef.Of(product, sku)];
        if ((product.OpenSaleIn(sku.Id, streamId, now) ?? LastSaleIn(product, sku.Id, streamId)) is { } sale)
        {
            var view = FlashSaleView.From(product, sale, level, now);
            await SendAsync(LiveGroups.Stream(streamId), LiveMethods.SaleChanged, new SaleChangedMessage(
                streamId, await NextAsync(streamId, ct), sale.Id, product.Id, sku.Id, view.State, view.EndedReason, view.UnitsLeft,
                view.DealPrice, sale.StartsAt, sale.EndsAt), ct);
        }

        await SendAsync(LiveGroups.Stream(streamId), LiveMethods.StockChanged,
            new StockChangedMessage(streamId, await NextAsync(streamId, ct), product.Id, sku.Id, level.Available, level.Available <= 0), ct);
    }

    private static string SkuKey(string productId, string skuId) => $"sku.{productId}.{skuId}";

    /// <summary>The SKU's latest sale of the stream (to tell its end), when none is open.</summary>
    private static FlashSale? LastSaleIn(Product product, string skuId, string streamId) =>
        product.Sales.Where(s => s.SkuId == skuId && s.StreamId == streamId).MaxBy(s => s.StartsAt);

    private Task<long> NextAsync(string streamId, CancellationToken ct) => store.NextSequenceAsync(streamId, ct);

    private Task SendAsync(string group, string method, ILiveMessage message, CancellationToken ct) =>
        broadcaster.SendToGroupAsync(group, method, message, ct);

    /// <summary>Runs a live update; a failure is logged, never thrown (the next message carries the whole state).</summary>
    private async Task SafelyAsync(string what, Func<CancellationToken, Task> update)
    {
        try
        {
            // Not the request's token: a merchant whose request ends as it is answered must not cancel the broadcast.
            await update(CancellationToken.None);
        }
#pragma warning disable CA1031 // A failed live update must never fail the change that caused it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogWarning(e, "Live update ({What}) failed", what);
        }
    }
}

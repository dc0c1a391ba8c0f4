using LiveShop.Core.Catalog;
using LiveShop.Core.Orders;
using LiveShop.Core.Sales;
using LiveShop.Core.Streams;

namespace LiveShop.Core.Live;

/// <summary>
/// What the app's services tell the live layer after a change is stored. The single point where a stream's start and
/// end, a pin or unpin, a flash sale's start, end or sell-out, a SKU's stock and a checkout's outcome become live
/// messages (and where domain events for them can be raised). None of these fail the caller: a failed broadcast is
/// logged, and the next message carries the whole state again.
/// </summary>
public interface ILiveEvents
{
    /// <summary>The stream went live or ended.</summary>
    Task StreamStateChangedAsync(LiveStream stream, CancellationToken cancellationToken);

    /// <summary>The stream's pin changed (<see cref="LiveStream.LastPinEvent"/> says how).</summary>
    Task PinChangedAsync(LiveStream stream, CancellationToken cancellationToken);

    /// <summary>A flash sale started, ended or was cancelled (always sent, never coalesced).</summary>
    Task SalePhaseChangedAsync(Product product, FlashSale sale, CancellationToken cancellationToken);

    /// <summary>Units of the SKU were taken or given back by a purchase from <paramref name="streamId"/> (coalesced).</summary>
    void StockChanged(string streamId, SkuRef sku);

    /// <summary>A checkout's status changed (awaiting payment action, paid or rejected).</summary>
    Task CheckoutChangedAsync(Checkout.Checkout checkout, CancellationToken cancellationToken);

    /// <summary>An order was paid: it counts in the host stats of the streams its lines were bought from.</summary>
    Task OrderPaidAsync(Order order, CancellationToken cancellationToken);

    /// <summary>The stream's viewers changed (coalesced).</summary>
    void AudienceChanged(string streamId);
}

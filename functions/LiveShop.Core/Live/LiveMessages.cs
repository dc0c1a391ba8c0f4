using LiveShop.Core.Catalog;

namespace LiveShop.Core.Live;

/// <summary>
/// What every live message carries: its stream and a sequence number that only grows per stream (one counter per stream
/// in the live store). Delivery is at least once and may reorder, so a client keeps, per kind of state, the message with
/// the highest sequence and drops older ones.
/// </summary>
public interface ILiveMessage
{
    string? StreamId { get; }

    long Sequence { get; }
}

/// <summary>
/// <see cref="LiveMethods.Pinned"/>: the pin card. <see cref="Price"/> is the price now as the price book gives it to a
/// buyer in this stream (the deal price while the SKU's flash sale of this stream is active); <see cref="Sale"/> is that
/// sale, when the SKU has one not over in this stream.
/// </summary>
public sealed record PinnedMessage(
    string StreamId,
    long Sequence,
    long Revision,
    string ProductId,
    string SkuId,
    string Title,
    string? ImageUrl,
    MoneyView Price,
    MoneyView RegularPrice,
    PinnedSale? Sale,
    DateTimeOffset PinnedAt) : ILiveMessage;

/// <summary>The flash sale on a pin card.</summary>
public sealed record PinnedSale(
    string SaleId, MoneyView DealPrice, string State, string? EndedReason, long UnitsLeft, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

/// <summary><see cref="LiveMethods.Unpinned"/>: nothing is pinned any more (reason: see <c>UnpinReasons</c>).</summary>
public sealed record UnpinnedMessage(string StreamId, long Sequence, long Revision, string ProductId, string Reason, DateTimeOffset UnpinnedAt) : ILiveMessage;

/// <summary>
/// <see cref="LiveMethods.SaleChanged"/>: a flash sale's state ("upcoming", "active", "ended" with endedReason "time",
/// "cancelled" or "sold_out") and units left.
/// </summary>
public sealed record SaleChangedMessage(
    string StreamId,
    long Sequence,
    string SaleId,
    string ProductId,
    string SkuId,
    string State,
    string? EndedReason,
    long UnitsLeft,
    MoneyView DealPrice,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt) : ILiveMessage;

/// <summary><see cref="LiveMethods.StockChanged"/>: a showcase SKU's units available now, and whether it is sold out.</summary>
public sealed record StockChangedMessage(string StreamId, long Sequence, string ProductId, string SkuId, long Available, bool SoldOut) : ILiveMessage;

/// <summary><see cref="LiveMethods.Viewers"/>: the stream's viewer count (connections now).</summary>
public sealed record ViewersMessage(string StreamId, long Sequence, long Viewers) : ILiveMessage;

/// <summary><see cref="LiveMethods.StreamState"/>: "live" or "ended".</summary>
public sealed record StreamStateMessage(string StreamId, long Sequence, string State, DateTimeOffset At) : ILiveMessage;

/// <summary>
/// <see cref="LiveMethods.Stats"/> (host only): viewers now, peak viewers, paid orders and units sold from this stream,
/// their GMV (gross, in the stream market's currency) and conversion (paid orders per peak viewer, 4 decimals).
/// </summary>
public sealed record StatsMessage(
    string StreamId, long Sequence, long Viewers, long PeakViewers, long PaidOrders, long UnitsSold, MoneyView Gmv, double Conversion) : ILiveMessage;

/// <summary>
/// <see cref="LiveMethods.Checkout"/> (to the buyer only): a checkout's status ("awaiting_payment_action", "paid",
/// "rejected" with a reason code) and its order id. <see cref="StreamId"/> is the stream its first line was bought from (null
/// when none), and <see cref="Sequence"/> grows per checkout (its status changes in order), not per stream.
/// </summary>
public sealed record CheckoutMessage(
    string? StreamId, long Sequence, string CheckoutId, string Status, string? Reason, string OrderId, string? NextActionUrl) : ILiveMessage;

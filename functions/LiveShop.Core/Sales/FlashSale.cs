namespace LiveShop.Core.Sales;

/// <summary>
/// A LIVE flash sale on one SKU: a deal price for a limited time, a total allotment of units and a per-customer limit
/// (TikTok Shop's LIVE Flash Sale). Stored in its product's document; the units it has left are counted in the stock
/// ledger, in the same documents (and the same conditional writes) as the SKU's stock. It is stream-only: its deal price,
/// per-customer limit and claims apply only to purchases from <see cref="StreamId"/> (see <c>Product.OpenSaleIn</c>).
/// </summary>
public sealed record FlashSale(
    string Id,
    string StreamId,
    string SkuId,
    Money.Money DealPrice,
    long Allotment,
    int PerCustomerLimit,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CancelledAt)
{
    /// <summary>Where the sale stands on the clock (whether units are left is the stock ledger's to say).</summary>
    public FlashSalePhase PhaseAt(DateTimeOffset now) =>
        CancelledAt is not null || now >= EndsAt ? FlashSalePhase.Ended
        : now < StartsAt ? FlashSalePhase.Upcoming
        : FlashSalePhase.Active;

    /// <summary>Units a buyer who already bought (or holds) <paramref name="bought"/> of this sale may still take under its per-customer limit.</summary>
    public long LeftFor(long bought) => Math.Max(0, PerCustomerLimit - bought);

    /// <summary>Whether the sale's window overlaps [start, end) and it was not cancelled.</summary>
    public bool Overlaps(DateTimeOffset start, DateTimeOffset end) =>
        CancelledAt is null && StartsAt < end && start < EndsAt;
}

public enum FlashSalePhase
{
    Upcoming,
    Active,
    Ended,
}

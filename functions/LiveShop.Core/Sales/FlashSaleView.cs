using LiveShop.Core.Catalog;
using LiveShop.Core.Markets;
using LiveShop.Core.Stock;

namespace LiveShop.Core.Sales;

/// <summary>
/// A flash sale as viewers see it now. <see cref="State"/> is "upcoming", "active" or "ended"; an ended sale says why
/// (<see cref="EndedReason"/>: "cancelled", "time" or "sold_out"; a sold-out sale becomes active again if released
/// units return to it before its end).
/// </summary>
public sealed record FlashSaleView(
    string Id,
    string StreamId,
    string MerchantId,
    string ProductId,
    string SkuId,
    string ProductTitle,
    MoneyView DealPrice,
    MoneyView RegularPrice,
    long Allotment,
    int PerCustomerLimit,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    DateTimeOffset? CancelledAt,
    string State,
    string? EndedReason,
    long? SecondsToStart,
    long? SecondsToEnd,
    long UnitsLeft)
{
    public static FlashSaleView From(Product product, FlashSale sale, StockLevel level, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentNullException.ThrowIfNull(sale);
        ArgumentNullException.ThrowIfNull(level);
        var market = MarketRegistry.Get(product.Market);
        var regular = product.FindSku(sale.SkuId)?.Price ?? sale.DealPrice;
        var phase = sale.PhaseAt(now);
        var unitsLeft = phase == FlashSalePhase.Ended ? 0 : level.UnitsLeftIn(sale);
        var (state, reason) = phase switch
        {
            FlashSalePhase.Upcoming => ("upcoming", (string?)null),
            FlashSalePhase.Active when unitsLeft > 0 => ("active", null),
            FlashSalePhase.Active => ("ended", "sold_out"),
            _ => ("ended", sale.CancelledAt is not null ? "cancelled" : "time"),
        };
        return new(
            sale.Id,
            sale.StreamId,
            product.MerchantId,
            product.Id,
            sale.SkuId,
            product.Title,
            MoneyView.From(sale.DealPrice, market),
            MoneyView.From(regular, market),
            sale.Allotment,
            sale.PerCustomerLimit,
            sale.StartsAt,
            sale.EndsAt,
            sale.CancelledAt,
            state,
            reason,
            phase == FlashSalePhase.Upcoming ? CeilingSeconds(sale.StartsAt - now) : null,
            state == "active" ? CeilingSeconds(sale.EndsAt - now) : null,
            unitsLeft);
    }

    private static long CeilingSeconds(TimeSpan span) => (long)Math.Ceiling(span.TotalSeconds);
}

/// <summary>A stream's flash sales, oldest start first, as of <see cref="Now"/>.</summary>
public sealed record StreamSalesView(string StreamId, DateTimeOffset Now, IReadOnlyList<FlashSaleView> Sales);

using LiveShop.Core.Catalog;
using LiveShop.Core.Sales;

namespace LiveShop.Core.Live;

/// <summary>Schedules a flash sale's live announcements at its start and end (a durable orchestration per sale in the app).</summary>
public interface ISaleScheduler
{
    Task ScheduleAsync(SaleSchedule schedule, CancellationToken cancellationToken);
}

/// <summary>Names a flash sale: the product that holds it and its id.</summary>
public sealed record SaleSchedule(string MerchantId, string ProductId, string SaleId)
{
    /// <summary>The id of the sale's schedule (one per sale: scheduling it again changes nothing).</summary>
    public string InstanceId => "sale-" + SaleId;
}

/// <summary>Where the sale stands after an announcement, and how long until its next phase (null: nothing more to announce).</summary>
public sealed record SaleAnnouncement(string? Phase, TimeSpan? NextIn);

/// <summary>
/// Announces a flash sale's phase when it changes: the single point where a sale's start and end (by time) become live
/// messages. Decided on the app's clock; the schedule only says when to look again.
/// </summary>
public sealed class FlashSaleAnnouncer(IProductStore products, ILiveEvents live, TimeProvider clock)
{
    /// <param name="announced">The phase last announced ("upcoming" when the sale was created: that was sent then).</param>
    public async Task<SaleAnnouncement> AnnounceAsync(SaleSchedule schedule, string? announced, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var product = (await products.ReadAsync(schedule.MerchantId, schedule.ProductId, ct))?.Value;
        if (product?.Sales.FirstOrDefault(s => s.Id == schedule.SaleId) is not { } sale)
        {
            return new SaleAnnouncement(null, null);
        }

        var now = clock.GetUtcNow();
        var phase = sale.PhaseAt(now);
        var name = phase.ToString().ToLowerInvariant();

        // A cancellation was announced by the cancel itself.
        if (name != announced && sale.CancelledAt is null)
        {
            await live.SalePhaseChangedAsync(product, sale, ct);
        }

        TimeSpan? next = phase switch
        {
            FlashSalePhase.Upcoming => sale.StartsAt - now,
            FlashSalePhase.Active => sale.EndsAt - now,
            _ => null,
        };
        return new SaleAnnouncement(name, next);
    }
}

using LiveShop.Core.Catalog;
using LiveShop.Core.Live;
using LiveShop.Core.Sales;
using LiveShop.UnitTests.Builders;
using Moq;

namespace LiveShop.UnitTests.Live;

/// <summary>The sale's schedule decides on the app's clock (a fake one here): what to announce, and how long to wait.</summary>
public sealed class FlashSaleAnnouncerTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly Shop _shop = new();
    private readonly Mock<ILiveEvents> _live = new();

    [Fact]
    public async Task AnnounceAsync_OverTheSalesLife_AnnouncesTheStartAndTheEndOnceEach()
    {
        var product = await _shop.CreateProductAsync();
        var stream = await _shop.CreateLiveStreamAsync("us", product);
        var sale = await _shop.CreateSaleAsync(stream, FlashSaleInputBuilder.For(product.Id, _shop.Clock.GetUtcNow()).StartingIn(30).Lasting(600));
        _shop.Scheduler.Verify(s => s.ScheduleAsync(new SaleSchedule(Shop.MerchantId, product.Id, sale.Id), It.IsAny<CancellationToken>()), Times.Once);
        var announcer = new FlashSaleAnnouncer(_shop.ProductStore, _live.Object, _shop.Clock);
        var schedule = new SaleSchedule(Shop.MerchantId, product.Id, sale.Id);

        var before = await announcer.AnnounceAsync(schedule, "upcoming", None);
        _shop.Clock.Advance(before.NextIn!.Value);
        var started = await announcer.AnnounceAsync(schedule, before.Phase, None);
        var again = await announcer.AnnounceAsync(schedule, started.Phase, None);
        _shop.Clock.Advance(started.NextIn!.Value);
        var ended = await announcer.AnnounceAsync(schedule, started.Phase, None);

        Assert.Equal(new SaleAnnouncement("upcoming", TimeSpan.FromSeconds(30)), before);
        Assert.Equal(new SaleAnnouncement("active", TimeSpan.FromSeconds(600)), started);
        Assert.Equal("active", again.Phase);
        Assert.Equal(new SaleAnnouncement("ended", null), ended);
        _live.Verify(l => l.SalePhaseChangedAsync(It.IsAny<Product>(), It.Is<FlashSale>(s => s.Id == sale.Id), None), Times.Exactly(2));
    }

    [Fact]
    public async Task AnnounceAsync_ACancelledSale_IsNotAnnouncedAgainAndTheScheduleEnds()
    {
        var product = await _shop.CreateProductAsync();
        var stream = await _shop.CreateLiveStreamAsync("us", product);
        var sale = await _shop.CreateSaleAsync(stream, FlashSaleInputBuilder.For(product.Id, _shop.Clock.GetUtcNow()));
        await _shop.Sales.CancelAsync(Callers.Merchant(), Shop.MerchantId, product.Id, sale.Id, None);
        _shop.Live.Verify(l => l.SalePhaseChangedAsync(It.IsAny<Product>(), It.Is<FlashSale>(s => s.CancelledAt != null), It.IsAny<CancellationToken>()), Times.Once);
        var announcer = new FlashSaleAnnouncer(_shop.ProductStore, _live.Object, _shop.Clock);

        var result = await announcer.AnnounceAsync(new SaleSchedule(Shop.MerchantId, product.Id, sale.Id), "upcoming", None);

        Assert.Equal(new SaleAnnouncement("ended", null), result);
        _live.VerifyNoOtherCalls();
    }
}

using LiveShop.Core.Catalog;
using LiveShop.Core.Identity;
using LiveShop.Core.Storage.InMemory;
using LiveShop.Core.Streams;
using Moq;

namespace LiveShop.UnitTests;

public class Smoke
{
    [Fact]
    public async Task Create()
    {
        var products = new InMemoryProductStore();
        var svc = new CatalogService(products, Mock.Of<ICatalogEvents>(), new ServedMarkets(null), TimeProvider.System);
        var m = new Caller("u", Role.Merchant, "m");
        var p = await svc.CreateAsync(m, "m", new ProductInput("us", "t", null, null,
            [new SkuInput("s1", null, new MoneyInput(100, "USD"), 1)]), default);
        var streams = new StreamService(new InMemoryStreamStore(), products, Mock.Of<ICatalogEvents>(), new ServedMarkets(null), TimeProvider.System);
        var s = await streams.CreateAsync(m, new StreamInput("us", "x", DateTimeOffset.UtcNow, "https://a.b/c"), default);
        var s2 = await streams.ReplaceShowcaseAsync(m, s.Value.Id, new ShowcaseInput([p.Value.Id]), s.ETag, default);
        await streams.StartAsync(m, s.Value.Id, null, default);
        var v = await streams.GetViewAsync(s.Value.Id, default);
        Assert.Single(v.Showcase);
    }
}

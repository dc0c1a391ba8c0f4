using LiveShop.Core.Catalog;
using LiveShop.Core.Storage.InMemory;
using LiveShop.Core.Streams;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace LiveShop.UnitTests.Builders;

/// <summary>
/// The services over fresh in-memory stores, a fake clock and a mock of <see cref="ICatalogEvents"/>.
/// Every test builds its own, so no test sees another's data.
/// </summary>
public sealed class Shop
{
    public const string MerchantId = "m1";
    public const string OtherMerchantId = "m2";

    public Shop(string? servedMarkets = null, IProductStore? productStore = null, Func<IStreamStore, IStreamStore>? wrapStreams = null)
    {
        var markets = new ServedMarkets(servedMarkets);
        ProductStore = productStore ?? Products;
        Catalog = new CatalogService(ProductStore, Events.Object, markets, Clock);
        Streams = new StreamService(wrapStreams?.Invoke(StreamStore) ?? StreamStore, ProductStore, Events.Object, markets, Clock);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public InMemoryProductStore Products { get; } = new();

    public IProductStore ProductStore { get; }

    public InMemoryStreamStore StreamStore { get; } = new();

    public Mock<ICatalogEvents> Events { get; } = new();

    public CatalogService Catalog { get; }

    public StreamService Streams { get; }

    /// <summary>Creates a product as its merchant; the clock moves on first so ids (time-ordered) differ in time.</summary>
    public async Task<Product> CreateProductAsync(string merchantId = MerchantId, ProductInputBuilder? input = null)
    {
        Clock.Advance(TimeSpan.FromMilliseconds(5));
        var created = await Catalog.CreateAsync(Callers.Merchant(merchantId), merchantId, (input ?? new ProductInputBuilder()).Build(), CancellationToken.None);
        return created.Value;
    }

    public async Task<Product> CreateArchivedProductAsync(string merchantId = MerchantId, ProductInputBuilder? input = null)
    {
        var product = await CreateProductAsync(merchantId, input);
        return (await Catalog.ArchiveAsync(Callers.Merchant(merchantId), merchantId, product.Id, null, CancellationToken.None)).Value;
    }

    public async Task<LiveStream> CreateStreamAsync(string merchantId = MerchantId, string market = "us")
    {
        var created = await Streams.CreateAsync(
            Callers.Merchant(merchantId), new StreamInputBuilder(Clock.GetUtcNow()).InMarket(market).Build(), CancellationToken.None);
        return created.Value;
    }
}

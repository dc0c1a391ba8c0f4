using LiveShop.Core.Carts;
using LiveShop.Core.Checkout;
using LiveShop.Core.Catalog;
using LiveShop.Core.Live;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage.InMemory;
using LiveShop.Core.Streams;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace LiveShop.UnitTests.Builders;

/// <summary>
/// The services over fresh in-memory stores, a fake clock and mocks of <see cref="ICatalogEvents"/> and <see cref="ILiveEvents"/>.
/// Every test builds its own, so no test sees another's data.
/// </summary>
public sealed class Shop
{
    public const string MerchantId = "m1";
    public const string OtherMerchantId = "m2";

    /// <summary>The idle time of carts in these tests (one hour).</summary>
    public const int CartIdleSeconds = 3600;

    private static readonly CancellationToken None = CancellationToken.None;

    public Shop(
        string? servedMarkets = null,
        IProductStore? productStore = null,
        Func<IStreamStore, IStreamStore>? wrapStreams = null,
        Func<IStockStore, IStockStore>? wrapStock = null,
        Func<ICartStore, ICartStore>? wrapCarts = null)
    {
        var markets = new ServedMarkets(servedMarkets);
        ProductStore = productStore ?? Products;
        LiveStore = new InMemoryLiveStore(Clock);
        Streams = new StreamService(wrapStreams?.Invoke(StreamStore) ?? StreamStore, ProductStore, Events.Object, Live.Object, LiveStore, markets, Clock);
        Catalog = new CatalogService(ProductStore, Events.Object, Streams, markets, Clock);
        CartStore = new InMemoryCartStore(Clock);
        Stock = new StockLedger(wrapStock?.Invoke(StockStore) ?? StockStore, Clock);
        Sales = new FlashSaleService(Streams, ProductStore, Stock, Events.Object, Live.Object, Clock);
        Claims = new SaleClaims(ClaimStore);
        OpenCheckouts = new OpenCheckoutLimits(OpenCheckoutStore, Clock);
        Carts = new CartService(wrapCarts?.Invoke(CartStore) ?? CartStore, ProductStore, Stock, Claims, markets, CartSettings, Clock);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public InMemoryProductStore Products { get; } = new();

    public IProductStore ProductStore { get; }

    public InMemoryStreamStore StreamStore { get; } = new();

    public InMemoryStockStore StockStore { get; } = new();

    /// <summary>Carts in memory, expiring on <see cref="Clock"/>.</summary>
    public InMemoryCartStore CartStore { get; }

    public Mock<ICatalogEvents> Events { get; } = new();

    /// <summary>What the services tell the live layer (verified by the live tests).</summary>
    public Mock<ILiveEvents> Live { get; } = new();

    public Mock<ISaleScheduler> Scheduler { get; } = new();

    /// <summary>The live store (pin history, presences...) in memory, on <see cref="Clock"/>.</summary>
    public InMemoryLiveStore LiveStore { get; }

    public CatalogService Catalog { get; }

    public StreamService Streams { get; }

    public StockLedger Stock { get; }

    public FlashSaleService Sales { get; }

    public CartSettings CartSettings { get; } = new(CartIdleSeconds);

    public InMemorySaleClaimStore ClaimStore { get; } = new();

    /// <summary>Where each test checkout's line is held, as its reservation answered (by checkout id).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<HeldUnits>> Held { get; } = new(StringComparer.Ordinal);

    public InMemoryOpenCheckoutStore OpenCheckoutStore { get; } = new();

    /// <summary>What each buyer holds in open checkouts, against the market's limits.</summary>
    public OpenCheckoutLimits OpenCheckouts { get; }

    /// <summary>Buyers' flash-sale claims (what checkouts hold or bought).</summary>
    public SaleClaims Claims { get; }

    public CartService Carts { get; }

    /// <summary>The signed-in viewer of <see cref="Callers.Viewer"/> as a cart owner.</summary>
    public static CartOwner Viewer => CartOwner.For(Callers.Viewer());

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

    /// <summary>A stream of <paramref name="merchantId"/> in <paramref name="market"/> that is live, with the products in its showcase.</summary>
    public async Task<LiveStream> CreateLiveStreamAsync(string market, params Product[] showcase) =>
        await CreateLiveStreamAsync(MerchantId, market, showcase);

    public async Task<LiveStream> CreateLiveStreamAsync(string merchantId, string market, params Product[] showcase)
    {
        var stream = await CreateStreamAsync(merchantId, market);
        foreach (var product in showcase)
        {
            await Streams.AddToShowcaseAsync(Callers.Merchant(merchantId), stream.Id, new ShowcaseAddInput(product.Id, null), null, None);
        }

        return (await Streams.StartAsync(Callers.Merchant(merchantId), stream.Id, null, None)).Value;
    }

    /// <summary>Puts a SKU of a live stream's showcase on flash sale as the stream's merchant.</summary>
    public Task<FlashSaleView> CreateSaleAsync(LiveStream stream, FlashSaleInputBuilder input) =>
        Sales.CreateAsync(Callers.Merchant(stream.MerchantId), stream.Id, input.Build(), Scheduler.Object, None);

    /// <summary>Creates a product, a live stream showcasing it and a flash sale on its SKU, then moves the clock to the sale's start.</summary>
    public async Task<(Product Product, LiveStream Stream, FlashSaleView Sale)> ActiveSaleAsync(
        ProductInputBuilder product, Func<FlashSaleInputBuilder, FlashSaleInputBuilder>? sale = null, string market = "us")
    {
        var created = await CreateProductAsync(input: product);
        var stream = await CreateLiveStreamAsync(market, created);
        var view = await CreateSaleAsync(stream, (sale ?? (s => s))(FlashSaleInputBuilder.For(created.Id, Clock.GetUtcNow())));
        Clock.SetUtcNow(view.StartsAt);
        return (await ReadProductAsync(created), stream, view);
    }

    /// <summary>The product as stored now.</summary>
    public async Task<Product> ReadProductAsync(Product product) =>
        (await Products.ReadAsync(product.MerchantId, product.Id, None))!.Value;

    /// <summary>Changes one SKU of a stored product (as a merchant's replace would) and returns the product as stored.</summary>
    public async Task<Product> ChangeSkuAsync(Product product, string skuId, Func<Sku, Sku> change)
    {
        var current = (await Products.ReadAsync(product.MerchantId, product.Id, None))!;
        var changed = current.Value with { Skus = current.Value.Skus.Select(s => s.Id == skuId ? change(s) : s).ToList() };
        await Products.ReplaceAsync(changed, current.ETag, None);
        return changed;
    }
}

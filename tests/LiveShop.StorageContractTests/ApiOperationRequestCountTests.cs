using System.Globalization;
using System.Text;
using LiveShop.Azure.Cosmos;
using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Live;
using LiveShop.Core.Checkout;
using LiveShop.Core.Storage.InMemory;
using LiveShop.Core.Identity;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage;
using LiveShop.Core.Streams;
using LiveShop.StorageContractTests.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Xunit.Abstractions;

namespace LiveShop.StorageContractTests;

/// <summary>
/// How many Cosmos DB HTTP requests each API operation makes: the real <see cref="CatalogService"/>,
/// <see cref="StreamService"/>, <see cref="CartService"/> and checkout steps (<see cref="CheckoutSteps"/>) over the Cosmos
/// stores, counted by the fixture's <see cref="CosmosRequestCounter"/> (local server, gateway mode). Each bound is what
/// the service code does: a point read = 1, a ReadMany of one partition = 1 (and of stock shards, one request per
/// physical partition: 1 here), a create, conditional replace or filtered patch = 1, a one-page query = 1.
/// docs/cosmos-request-costs.md holds the measured table.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class ApiOperationRequestCountTests(CosmosFixture fixture, ITestOutputHelper output)
{
    private const string Market = "us";
    private const int ShowcaseSize = 20;

    private static CancellationToken None => CancellationToken.None;

    private readonly CosmosProductStore _products = new(fixture.Client, fixture.DatabaseName);
    private readonly CosmosStreamStore _streams = new(fixture.Client, fixture.DatabaseName);
    private readonly ServedMarkets _markets = new(null);
    private readonly ICatalogEvents _events = Mock.Of<ICatalogEvents>();

    private readonly CosmosCartStore _carts = new(fixture.Client, fixture.DatabaseName);
    private readonly CosmosStockStore _stock = new(fixture.Client, fixture.DatabaseName);
    private readonly CosmosSaleClaimStore _claims = new(fixture.Client, fixture.DatabaseName);

    private CatalogService Catalog => new(_products, _events, Mock.Of<IArchivedProducts>(), _markets, TimeProvider.System);

    /// <summary>The live layer is left out (mocks): its requests go to the live container, counted on their own.</summary>
    private StreamService Streams => new(_streams, _products, _events, Mock.Of<ILiveEvents>(), Mock.Of<ILiveStore>(), _markets, TimeProvider.System);

    [Fact]
    public async Task EachApiOperation_AfterWarmUp_StaysWithinItsRequestBudget()
    {
        var merchant = $"mer_{Guid.NewGuid():N}";
        var caller = new Caller("user_counts", Role.Merchant, merchant);
        var catalog = Catalog;
        var streams = Streams;
        var products = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            products.Add((await catalog.CreateAsync(caller, merchant, ProductInput(), None)).Value.Id);
        }

        var showcase = new ShowcaseInput(products.Take(ShowcaseSize).ToList());

        async Task<Versioned<LiveStream>> NewStreamAsync() => await streams.CreateAsync(caller, StreamInput(), None);

        var costs = new List<Cost>
        {
            await MeasureAsync("create product", 1, "one create (no content in the response)",
                () => Task.FromResult<Func<Task>>(() => catalog.CreateAsync(caller, merchant, ProductInput(), None))),
            await MeasureAsync("get product", 1, "one point read",
                () => Task.FromResult<Func<Task>>(() => catalog.GetAsync(merchant, products[0], None))),
            await MeasureAsync("list products page (pageSize 10)", 1, "one single-partition query page (TOP 11, keyset on id)",
                () => Task.FromResult<Func<Task>>(() => catalog.ListAsync(null, merchant, false, 10, null, None))),
            await MeasureAsync("replace product (If-Match)", 2, "point read + conditional replace",
                async () =>
                {
                    var product = await catalog.CreateAsync(caller, merchant, ProductInput(), None);
                    return () => catalog.ReplaceAsync(caller, merchant, product.Value.Id, ProductInput("Changed"), product.ETag, None);
                }),
            await MeasureAsync("archive product", 2, "point read + conditional replace",
                async () =>
                {
                    var product = await catalog.CreateAsync(caller, merchant, ProductInput(), None);
                    return () => catalog.ArchiveAsync(caller, merchant, product.Value.Id, product.ETag, None);
                }),
            await MeasureAsync("create stream", 1, "one create (no content in the response)",
                () => Task.FromResult<Func<Task>>(NewStreamAsync)),
            await MeasureAsync("start stream", 2, "point read + conditional replace",
                async () =>
                {
                    var stream = await NewStreamAsync();
                    return () => streams.StartAsync(caller, stream.Value.Id, stream.ETag, None);
                }),
            await MeasureAsync("add to showcase", 3, "point read + ReadMany (1 product) + conditional replace; the read is reused for the write",
                async () =>
                {
                    var stream = await NewStreamAsync();
                    return () => streams.AddToShowcaseAsync(caller, stream.Value.Id, new ShowcaseAddInput(products[0], null), stream.ETag, None);
                }),
            await MeasureAsync($"replace showcase ({ShowcaseSize} products, If-Match)", 3, "point read + ReadMany (one partition) + conditional replace; the read is reused for the write",
                async () =>
                {
                    var stream = await NewStreamAsync();
                    return () => streams.ReplaceShowcaseAsync(caller, stream.Value.Id, showcase, stream.ETag, None);
                }),
            await MeasureAsync("remove from showcase", 2, "point read + conditional replace",
                async () =>
                {
                    var stream = await NewStreamAsync();
                    var added = await streams.AddToShowcaseAsync(caller, stream.Value.Id, new ShowcaseAddInput(products[0], null), stream.ETag, None);
                    return () => streams.RemoveFromShowcaseAsync(caller, stream.Value.Id, products[0], added.ETag, None);
                }),
            await MeasureAsync($"get stream view ({ShowcaseSize}-product showcase)", 2, "point read of the stream + ReadMany of its showcase (one partition)",
                async () =>
                {
                    var stream = await NewStreamAsync();
                    await streams.ReplaceShowcaseAsync(caller, stream.Value.Id, showcase, stream.ETag, None);
                    return async () => Assert.Equal(ShowcaseSize, (await streams.GetViewAsync(stream.Value.Id, None)).Showcase.Count);
                }),
        };

        output.WriteLine(Table(costs));
        Assert.All(costs, cost => Assert.True(
            cost.Requests.Count <= cost.Bound,
            $"{cost.Operation}: expected at most {cost.Bound} request(s), saw {cost.Requests.Count}: {string.Join(", ", cost.Requests)}"));
    }

    [Fact]
    public async Task EachCartAndCheckoutStep_AfterWarmUp_StaysWithinItsRequestBudget()
    {
        // The services' clock, moved past the flash sale's start for the steps that price or reserve at the deal price.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var merchant = $"mer_{Guid.NewGuid():N}";
        var caller = new Caller("user_counts", Role.Merchant, merchant);
        var streams = new StreamService(_streams, _products, _events, Mock.Of<ILiveEvents>(), Mock.Of<ILiveStore>(), _markets, clock);
        var catalog = new CatalogService(_products, _events, streams, _markets, clock);
        var ledger = new StockLedger(_stock, clock);
        var claims = new SaleClaims(_claims);
        var carts = new CartService(_carts, _products, ledger, claims, _markets, new CartSettings(CartSettings.DefaultIdleMinutes * 60), clock);
        var steps = new CheckoutSteps(
            _products, ledger, claims, new OpenCheckoutLimits(new InMemoryOpenCheckoutStore(), clock), Mock.Of<IOrderStore>(), Mock.Of<ICheckoutStore>(), Mock.Of<IPaymentProvider>(),
            carts, Mock.Of<ILiveEvents>(), clock);
        var products = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            products.Add((await catalog.CreateAsync(caller, merchant, ProductInput(), None)).Value.Id);
        }

        var regular = products[0];
        var onSale = products[3];
        var stream = await streams.CreateAsync(caller, StreamInput(), None);
        var shown = await streams.ReplaceShowcaseAsync(caller, stream.Value.Id, new ShowcaseInput([onSale]), stream.ETag, None);
        await streams.StartAsync(caller, stream.Value.Id, shown.ETag, None);
        var sales = new FlashSaleService(streams, _products, ledger, _events, Mock.Of<ILiveEvents>(), clock);
        await sales.CreateAsync(caller, stream.Value.Id, new FlashSaleInput(
            onSale, Sku, new MoneyInput(1500, "USD"), 8, 5, clock.GetUtcNow().AddSeconds(30), FlashSaleService.MaxDurationSeconds), Mock.Of<ISaleScheduler>(), None);

        static CartOwner NewViewer() => CartOwner.For(new Caller($"viewer_{Guid.NewGuid():N}", Role.Viewer, null));

        AddCartLineInput Line(string productId, string? streamId = null) => new(merchant, productId, Sku, 1, streamId);

        async Task<CartOwner> ViewerWithCartAsync(params string[] productIds)
        {
            var owner = NewViewer();
            foreach (var productId in productIds)
            {
                await carts.AddAsync(owner, Market, Line(productId), null, None);
            }

            return owner;
        }

        // A buy-now from the stream (a flash sale applies only to purchases from its stream), unless told otherwise.
        CheckoutStart BuyNow(string productId, bool fromTheStream = true)
        {
            var buyer = $"viewer_{Guid.NewGuid():N}";
            return new CheckoutStart(
                CheckoutService.IdFor(buyer, "key"), Ids.New("ord", clock), buyer, Market, merchant, CheckoutSource.BuyNow,
                [new CheckoutItem(merchant, productId, Sku, 1, fromTheStream ? stream.Value.Id : null)], "pm_card_visa");
        }

        async Task<Func<Task>> ReserveAsync(string productId)
        {
            var start = BuyNow(productId);
            var priced = await steps.PriceAsync(start, None);
            var request = new ReservationRequest(start, priced.Lines!, clock.GetUtcNow().AddMinutes(15));
            return async () => Assert.Null((await steps.ReserveAsync(request, None)).Rejection);
        }

        var costs = new List<Cost>
        {
            await MeasureAsync("add to cart (regular SKU, first line: no cart yet)", 3, "point read of the product + point read of the cart (404) + create",
                () => Task.FromResult<Func<Task>>(() => carts.AddAsync(NewViewer(), Market, Line(regular), null, None))),
            await MeasureAsync("add to cart (regular SKU, cart with a line)", 3, "point read of the product + point read of the cart + conditional replace",
                async () =>
                {
                    var owner = await ViewerWithCartAsync(products[1]);
                    return () => carts.AddAsync(owner, Market, Line(regular), null, None);
                }),
            await MeasureAsync("add to cart (flash-sale SKU from the sale's stream, sale upcoming)", 3, "the same: the sale and its per-customer limit are in the product and the cart",
                async () =>
                {
                    var owner = await ViewerWithCartAsync(products[1]);
                    return () => carts.AddAsync(owner, Market, Line(onSale, stream.Value.Id), null, None);
                }),
            await MeasureAsync("set quantity", 3, "point read of the cart (reused for the write) + point read of the line's product + conditional replace",
                async () =>
                {
                    var owner = await ViewerWithCartAsync(regular);
                    return () => carts.SetQuantityAsync(owner, Market, CartLine.IdFor(new SkuRef(merchant, regular, Sku)), new CartQuantityInput(3), null, None);
                }),
            await MeasureAsync("read cart (3 lines of one merchant)", 3, "point read of the cart + ReadMany of its products (one partition) + ReadMany of their stock shards",
                async () =>
                {
                    var owner = await ViewerWithCartAsync(products[0], products[1], products[2]);
                    return async () => Assert.Equal(3, (await carts.GetAsync(owner, Market, None)).Lines.Count);
                }),
            await MeasureAsync("checkout: price (1 line, regular SKU)", 1, "ReadMany of the product (one id: the SDK sends a point read); no active sale, so no stock read (the regular price does not depend on it: the reservation checks stock) and no claim read",
                () => Task.FromResult<Func<Task>>(() => steps.PriceAsync(BuyNow(regular), None))),
            await MeasureAsync("checkout: reserve (1 line, regular SKU)", 3, "ReadMany of the product (a point read) + one filtered patch of one shard; the shards come from the ledger's in-memory snapshot when it is under 250 ms old, else a ReadMany of them comes first (so 2 or 3)",
                () => ReserveAsync(regular)),
        };
        clock.Advance(TimeSpan.FromSeconds(31)); // the sale is active now
        costs.Add(await MeasureAsync("checkout: price (1 line from the sale's stream, flash sale active)", 3, "ReadMany of the product (a point read) + ReadMany of the stock shards (the deal price needs the sale's units left) + ReadMany of the buyer's claim (one id: a point read, 404)",
            () => Task.FromResult<Func<Task>>(async () => Assert.NotNull((await steps.PriceAsync(BuyNow(onSale), None)).Lines!.Single().SaleId))));
        costs.Add(await MeasureAsync("checkout: price (1 line from no stream, flash sale active)", 1, "ReadMany of the product (a point read) only: a flash sale is stream-only, so this is a regular purchase (no stock read, no claim read)",
            () => Task.FromResult<Func<Task>>(async () => Assert.Null((await steps.PriceAsync(BuyNow(onSale, fromTheStream: false), None)).Lines!.Single().SaleId))));
        costs.Add(await MeasureAsync("checkout: reserve (1 line from the sale's stream, flash sale active)", 5, "ReadMany of the product (a point read) + point read of the buyer's claim (404) + claim create + one filtered patch; plus a ReadMany of the stock shards when the ledger's snapshot is over 250 ms old (so 4 or 5)",
            () => ReserveAsync(onSale)));

        output.WriteLine(Table(costs));
        Assert.All(costs, cost => Assert.True(
            cost.Requests.Count <= cost.Bound,
            $"{cost.Operation}: expected at most {cost.Bound} request(s), saw {cost.Requests.Count}: {string.Join(", ", cost.Requests)}"));
    }

    /// <summary>
    /// Runs the operation twice, each time on what <paramref name="prepare"/> sets up (not counted), and counts only the
    /// second run: the first is a warm-up, so the SDK's one-time lookups (account, database and container metadata,
    /// partition key ranges, the query plan library) are excluded and the count is what every later call costs.
    /// </summary>
    private async Task<Cost> MeasureAsync(string operation, int bound, string why, Func<Task<Func<Task>>> prepare)
    {
        await (await prepare())(); // warm-up
        var measured = await prepare();
        fixture.Requests.Reset();
        await measured();
        return new Cost(operation, bound, why, fixture.Requests.Reset());
    }

    /// <summary>The counts as a markdown table; request paths are shown without the per-run "/dbs/{database}" prefix.</summary>
    private string Table(IEnumerable<Cost> costs)
    {
        var table = new StringBuilder()
            .AppendLine("| Operation | Cosmos requests | Bound | Why | Requests |")
            .AppendLine("|---|---|---|---|---|");
        foreach (var cost in costs)
        {
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {cost.Operation} | {cost.Requests.Count} | <= {cost.Bound} | {cost.Why} | {string.Join("; ", cost.Requests).Replace($"/dbs/{fixture.DatabaseName}", string.Empty, StringComparison.Ordinal)} |");
        }

        return table.ToString();
    }

    private const string Sku = "shirt-s";

    private static ProductInput ProductInput(string title = "Linen shirt") =>
        new(Market, title, "Soft and light.", ["https://img.example.com/shirt.jpg"],
            [new SkuInput(Sku, null, new MoneyInput(2500, "USD"), 10)]);

    private static StreamInput StreamInput() =>
        new(Market, "Friday drop", DateTimeOffset.UtcNow.AddMinutes(30), "https://video.example.com/live/1.m3u8");

    private sealed record Cost(string Operation, int Bound, string Why, IReadOnlyList<string> Requests);
}

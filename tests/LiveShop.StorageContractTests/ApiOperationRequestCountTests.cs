using System.Globalization;
using System.Text;
using LiveShop.Azure.Cosmos;
using LiveShop.Core.Catalog;
using LiveShop.Core.Identity;
using LiveShop.Core.Storage;
using LiveShop.Core.Streams;
using LiveShop.StorageContractTests.Cosmos;
using Moq;
using Xunit.Abstractions;

namespace LiveShop.StorageContractTests;

/// <summary>
/// How many Cosmos DB HTTP requests each API operation makes: the real <see cref="CatalogService"/> and
/// <see cref="StreamService"/> over <see cref="CosmosProductStore"/> and <see cref="CosmosStreamStore"/>, counted by the
/// fixture's <see cref="CosmosRequestCounter"/> (local server, gateway mode). Each bound is what the service code does:
/// a point read = 1, a ReadMany of one partition = 1, a create or conditional replace = 1, a one-page query = 1.
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

    private CatalogService Catalog => new(_products, _events, _markets, TimeProvider.System);

    private StreamService Streams => new(_streams, _products, _events, _markets, TimeProvider.System);

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

    private static ProductInput ProductInput(string title = "Linen shirt") =>
        new(Market, title, "Soft and light.", ["https://img.example.com/shirt.jpg"],
            [new SkuInput("shirt-s", null, new MoneyInput(2500, "USD"), 10)]);

    private static StreamInput StreamInput() =>
        new(Market, "Friday drop", DateTimeOffset.UtcNow.AddMinutes(30), "https://video.example.com/live/1.m3u8");

    private sealed record Cost(string Operation, int Bound, string Why, IReadOnlyList<string> Requests);
}

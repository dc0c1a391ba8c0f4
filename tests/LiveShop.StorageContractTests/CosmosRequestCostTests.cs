using LiveShop.Azure.Cosmos;
using LiveShop.Core.Catalog;
using LiveShop.Core.Storage;
using LiveShop.StorageContractTests.Contracts;
using LiveShop.StorageContractTests.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace LiveShop.StorageContractTests;

/// <summary>
/// What each store operation costs in HTTP requests to Cosmos DB (gateway mode), counted by
/// <see cref="CosmosRequestCounter"/> after a warm-up has filled the SDK's metadata caches.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosRequestCostTests(CosmosFixture fixture, ITestOutputHelper output)
{
    private static CancellationToken None => CancellationToken.None;

    private readonly CosmosProductStore _products = new(fixture.Client, fixture.DatabaseName);
    private readonly CosmosStreamStore _streams = new(fixture.Client, fixture.DatabaseName);

    [Fact]
    public async Task StreamRead_PlusReadManyOfTwentyShowcaseProducts_TakesTwoRequests()
    {
        var products = await CreateProductsAsync(Documents.UniqueId("mer"), 20);
        var showcase = products.Select(p => p.Id).ToList();
        var stream = Documents.Stream() with { Showcase = showcase };
        await _streams.CreateAsync(stream, None);
        await ReadStreamWithShowcaseAsync(stream.Id, products[0].MerchantId); // warm-up

        var requests = await CountAsync(() => ReadStreamWithShowcaseAsync(stream.Id, products[0].MerchantId));

        Assert.True(requests.Count <= 2, $"Expected at most 2 requests, saw {requests.Count}: {string.Join(", ", requests)}");
        Assert.Equal(20, (await ReadStreamWithShowcaseAsync(stream.Id, products[0].MerchantId)).Count);
    }

    [Fact]
    public async Task EachOperation_AfterWarmUp_TakesOneRequest()
    {
        var merchant = Documents.UniqueId("mer");
        var products = await CreateProductsAsync(merchant, 25);
        var ids = products.Take(20).Select(p => p.Id).ToList();
        // Warm-up: the first query of a container also reads its partition key ranges (and the first
        // query of the process loads the query-plan library, a few seconds).
        await _products.ReadManyAsync(merchant, ids, None);
        await _products.ListByMerchantAsync(merchant, includeArchived: false, after: null, limit: 10, None);
        var product = Documents.Product(merchant);
        string etag = string.Empty;

        var costs = new Dictionary<string, IReadOnlyList<string>>
        {
            ["create"] = await CountAsync(async () => etag = await _products.CreateAsync(product, None)),
            ["read"] = await CountAsync(() => _products.ReadAsync(merchant, product.Id, None)),
            ["read missing"] = await CountAsync(() => _products.ReadAsync(merchant, Documents.UniqueId("prd"), None)),
            ["replace"] = await CountAsync(() => _products.ReplaceAsync(product with { Title = "Changed" }, etag, None)),
            ["ReadMany (20)"] = await CountAsync(() => _products.ReadManyAsync(merchant, ids, None)),
            ["list page (10 of 26)"] = await CountAsync(() => _products.ListByMerchantAsync(merchant, includeArchived: true, after: null, limit: 10, None)),
            ["list next page"] = await CountAsync(() => _products.ListByMerchantAsync(merchant, includeArchived: true, after: ids[9], limit: 10, None)),
        };

        foreach (var (operation, requests) in costs)
        {
            output.WriteLine($"{operation}: {requests.Count} request(s): {string.Join(", ", requests)}");
        }

        Assert.All(costs, cost => Assert.Single(cost.Value));
    }

    private async Task<IReadOnlyList<Product>> ReadStreamWithShowcaseAsync(string streamId, string merchantId)
    {
        var stream = await _streams.ReadAsync(streamId, streamId, None) ?? throw new InvalidOperationException("Stream missing.");
        var products = await _products.ReadManyAsync(merchantId, stream.Value.Showcase, None);
        return products.Select(p => p.Value).ToList();
    }

    private async Task<IReadOnlyList<Product>> CreateProductsAsync(string merchant, int count)
    {
        var clock = new FakeTimeProvider();
        var products = new List<Product>();
        for (var i = 0; i < count; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
            var product = Documents.Product(merchant, Ids.New("prd", clock));
            await _products.CreateAsync(product, None);
            products.Add(product);
        }

        return products;
    }

    private async Task<IReadOnlyList<string>> CountAsync(Func<Task> operation)
    {
        fixture.Requests.Reset();
        await operation();
        return fixture.Requests.Reset();
    }
}

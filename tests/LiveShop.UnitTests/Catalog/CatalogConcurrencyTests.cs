using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.Core.Storage;
using LiveShop.Core.Storage.InMemory;
using LiveShop.Core.Streams;
using LiveShop.UnitTests.Builders;
using Moq;

namespace LiveShop.UnitTests.Catalog;

/// <summary>Writes racing on the in-memory stores, which have Cosmos DB's ETag semantics.</summary>
public class CatalogConcurrencyTests
{
    private const int Parallel = 20;

    /// <summary>
    /// Racing showcase adds: each lost race means another racer's write succeeded, so with at most
    /// <see cref="Optimistic.MaxAttempts"/> racers every add is guaranteed to land (more could exhaust a racer's attempts).
    /// </summary>
    private const int ShowcaseRacers = Optimistic.MaxAttempts;
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task AddToShowcaseAsync_MaxAttemptsInParallelWithoutIfMatch_LosesNoProduct()
    {
        var shop = new Shop();

        await AddInParallelAndAssertAllShowcasedAsync(shop);
    }

    [Fact]
    public async Task AddToShowcaseAsync_MaxAttemptsInParallelWithoutIfMatchOverALatentStore_LosesNoProduct()
    {
        // The gate holds every racer's first replace until all have read the stream: all but one lose that round.
        LatentStreamStore? latent = null;
        var shop = new Shop(wrapStreams: inner => latent = new LatentStreamStore(inner, new RaceGate(ShowcaseRacers)));

        await AddInParallelAndAssertAllShowcasedAsync(shop);

        Assert.True(latent!.Conflicts >= ShowcaseRacers - 1, $"All but one racer lose the first round; {latent.Conflicts} conflicts.");
    }

    [Fact]
    public async Task ArchiveAsync_20InParallelOnOneProduct_ArchivesOnceAndTellsEventsOnce()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync();
        shop.Events.Invocations.Clear();

        var results = await RaceAsync(Enumerable.Range(0, Parallel), _ => shop.Catalog.ArchiveAsync(Callers.Merchant(), Shop.MerchantId, product.Id, null, None));

        Assert.All(results, r => Assert.True(r.Value.IsArchived));
        Assert.True((await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None)).Value.IsArchived);
        shop.Events.Verify(e => e.ProductChangedAsync(It.IsAny<Product>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task ArchiveAsync_20ProductsInParallel_ArchivesEveryOne()
    {
        var shop = new Shop();
        var ids = new List<string>();
        for (var i = 0; i < Parallel; i++)
        {
            ids.Add((await shop.CreateProductAsync()).Id);
        }

        await RaceAsync(ids, id => shop.Catalog.ArchiveAsync(Callers.Merchant(), Shop.MerchantId, id, null, None));

        var listed = await shop.Catalog.ListAsync(Callers.Merchant(), Shop.MerchantId, true, null, null, None);
        Assert.Equal(Parallel, listed.Items.Count);
        Assert.All(listed.Items, p => Assert.Equal("archived", p.Status));
        shop.Events.Verify(e => e.ProductChangedAsync(It.Is<Product>(p => p.IsArchived), It.IsAny<CancellationToken>()), Times.Exactly(Parallel));
    }

    [Fact]
    public async Task ReplaceAsync_20InParallelWithTheSameETag_ExactlyOneWinsAndTheRestFailPrecondition()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync();
        var read = await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None);

        var outcomes = await RaceAsync(Enumerable.Range(0, Parallel), async i =>
        {
            try
            {
                var replaced = await shop.Catalog.ReplaceAsync(
                    Callers.Merchant(), Shop.MerchantId, product.Id, new ProductInputBuilder().WithTitle($"title-{i}").Build(), read.ETag, None);
                return replaced.Value.Title;
            }
            catch (LiveShopException e) when (e.Kind == ErrorKind.PreconditionFailed)
            {
                return null;
            }
        });

        var winner = Assert.Single(outcomes, t => t is not null);
        Assert.Equal(winner, (await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None)).Value.Title);
    }

    [Fact]
    public async Task ArchiveAsync_StoreLosesOneRaceWithoutIfMatch_RetriesAndKeepsTheOtherWrite()
    {
        var real = new InMemoryProductStore();
        var store = RacingStore(real, out var calls);
        var shop = new Shop(productStore: store.Object);
        var product = await shop.CreateProductAsync();

        var archived = await shop.Catalog.ArchiveAsync(Callers.Merchant(), Shop.MerchantId, product.Id, null, None);

        var stored = await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None);
        Assert.True(stored.Value.IsArchived);
        Assert.Equal("Renamed meanwhile", stored.Value.Title);
        Assert.Equal(stored.ETag, archived.ETag);
        Assert.Equal(2, calls.Replaces);
    }

    [Fact]
    public async Task ArchiveAsync_StoreLosesOneRaceWithIfMatch_ThrowsPreconditionFailedWithoutRetry()
    {
        var real = new InMemoryProductStore();
        var store = RacingStore(real, out var calls);
        var shop = new Shop(productStore: store.Object);
        var product = await shop.CreateProductAsync();
        var read = await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None);
        shop.Events.Invocations.Clear();

        await Problem.ThrowsAsync(ErrorKind.PreconditionFailed, () => shop.Catalog.ArchiveAsync(Callers.Merchant(), Shop.MerchantId, product.Id, read.ETag, None));

        var stored = await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None);
        Assert.False(stored.Value.IsArchived);
        Assert.Equal(1, calls.Replaces);
        shop.Events.VerifyNoOtherCalls();
    }

    /// <summary>Adds 20 new products to a new stream's showcase at once, without If-Match, and checks every one is there.</summary>
    private static async Task AddInParallelAndAssertAllShowcasedAsync(Shop shop)
    {
        var stream = await shop.CreateStreamAsync();
        var ids = new List<string>();
        for (var i = 0; i < ShowcaseRacers; i++)
        {
            ids.Add((await shop.CreateProductAsync()).Id);
        }

        await RaceAsync(ids, id => shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(id, null), null, None));

        var showcase = (await shop.Streams.GetAsync(stream.Id, None)).Value.Showcase;
        Assert.Equal(ids.Order(StringComparer.Ordinal), showcase.Order(StringComparer.Ordinal));
    }

    /// <summary>Starts every action at once on the thread pool and waits for all.</summary>
    private static async Task<T[]> RaceAsync<TItem, T>(IEnumerable<TItem> items, Func<TItem, Task<T>> action)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = items.Select(item => Task.Run(async () =>
        {
            await go.Task;
            return await action(item);
        })).ToList();
        go.SetResult();
        return await Task.WhenAll(tasks);
    }

    /// <summary>
    /// A product store over <paramref name="real"/> whose first replace loses a race: another writer renames the
    /// product just before it, so it fails with <see cref="ConcurrencyConflictException"/>.
    /// </summary>
    private static Mock<IProductStore> RacingStore(InMemoryProductStore real, out Counter calls)
    {
        var counter = calls = new Counter();
        var store = new Mock<IProductStore>(MockBehavior.Strict);
        store.Setup(s => s.CreateAsync(It.IsAny<Product>(), It.IsAny<CancellationToken>()))
            .Returns((Product p, CancellationToken ct) => real.CreateAsync(p, ct));
        store.Setup(s => s.ReadAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string pk, string id, CancellationToken ct) => real.ReadAsync(pk, id, ct));
        store.Setup(s => s.ReplaceAsync(It.IsAny<Product>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(async (Product p, string ifMatch, CancellationToken ct) =>
            {
                if (++counter.Replaces == 1)
                {
                    var current = (await real.ReadAsync(p.MerchantId, p.Id, ct))!;
                    await real.ReplaceAsync(current.Value with { Title = "Renamed meanwhile" }, current.ETag, ct);
                }

                return await real.ReplaceAsync(p, ifMatch, ct);
            });
        return store;
    }

    private sealed class Counter
    {
        public int Replaces { get; set; }
    }
}

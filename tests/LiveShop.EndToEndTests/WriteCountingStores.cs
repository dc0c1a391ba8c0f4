using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage;
using LiveShop.Core.Streams;

namespace LiveShop.EndToEndTests;

/// <summary>Counts the writes that reach a store, so a test can prove a refused request changed nothing.</summary>
public class WriteCountingStore<T>(IDocumentStore<T> inner) : IDocumentStore<T>
    where T : class, IDocument
{
    private int _writes;

    public int Writes => Volatile.Read(ref _writes);

    public Task<Versioned<T>?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken) =>
        inner.ReadAsync(partitionKey, id, cancellationToken);

    public Task<IReadOnlyList<Versioned<T>>> ReadManyAsync(string partitionKey, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        inner.ReadManyAsync(partitionKey, ids, cancellationToken);

    public Task<string> CreateAsync(T document, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writes);
        return inner.CreateAsync(document, cancellationToken);
    }

    public Task<string> ReplaceAsync(T document, string ifMatch, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writes);
        return inner.ReplaceAsync(document, ifMatch, cancellationToken);
    }
}

public sealed class WriteCountingProductStore(IProductStore inner) : WriteCountingStore<Product>(inner), IProductStore
{
    public Task<KeysetPage<Product>> ListByMerchantAsync(string merchantId, bool includeArchived, string? after, int limit, CancellationToken cancellationToken) =>
        inner.ListByMerchantAsync(merchantId, includeArchived, after, limit, cancellationToken);
}

public sealed class WriteCountingStreamStore(IStreamStore inner) : WriteCountingStore<LiveStream>(inner), IStreamStore;

public sealed class WriteCountingCartStore(ICartStore inner) : WriteCountingStore<Cart>(inner), ICartStore;

/// <summary>Counts the stock writes (creates and applied or refused changes) that reach a stock store.</summary>
public sealed class WriteCountingStockStore(IStockStore inner) : IStockStore
{
    private int _writes;

    public int Writes => Volatile.Read(ref _writes);

    public Task<IReadOnlyList<StockShard>> ReadAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        inner.ReadAsync(ids, cancellationToken);

    public Task<bool> TryCreateAsync(StockShard shard, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writes);
        return inner.TryCreateAsync(shard, cancellationToken);
    }

    public Task<StockShard?> TryApplyAsync(string shardId, StockChange change, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writes);
        return inner.TryApplyAsync(shardId, change, cancellationToken);
    }

    public Task<IReadOnlyList<StockShard>> ListWithHoldsAsync(CancellationToken cancellationToken) => inner.ListWithHoldsAsync(cancellationToken);
}

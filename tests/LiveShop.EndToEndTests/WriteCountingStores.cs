using LiveShop.Core.Catalog;
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

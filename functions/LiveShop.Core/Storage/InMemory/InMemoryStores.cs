using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Streams;

namespace LiveShop.Core.Storage.InMemory;

public sealed class InMemoryProductStore : InMemoryDocumentStore<Product>, IProductStore
{
    public Task<KeysetPage<Product>> ListByMerchantAsync(
        string merchantId, bool includeArchived, string? after, int limit, CancellationToken cancellationToken)
    {
        var items = Partition(merchantId)
            .Select(v => v.Value)
            .Where(p => includeArchived || !p.IsArchived)
            .Where(p => after is null || string.CompareOrdinal(p.Id, after) < 0)
            .OrderByDescending(p => p.Id, StringComparer.Ordinal)
            .Take(limit + 1)
            .ToList();
        var page = items.Take(limit).ToList();
        return Task.FromResult(new KeysetPage<Product>(page, items.Count > limit ? page[^1].Id : null));
    }
}

public sealed class InMemoryStreamStore : InMemoryDocumentStore<LiveStream>, IStreamStore;

/// <summary>Carts in memory; a cart expires after its time to live, on <paramref name="clock"/>.</summary>
public sealed class InMemoryCartStore(TimeProvider clock) : InMemoryDocumentStore<Cart>(clock), ICartStore;

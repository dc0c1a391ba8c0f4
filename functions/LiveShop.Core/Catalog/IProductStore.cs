using LiveShop.Core.Storage;

namespace LiveShop.Core.Catalog;

/// <summary>Products, partitioned by merchant.</summary>
public interface IProductStore : IDocumentStore<Product>
{
    /// <summary>
    /// A merchant's products, newest first (ids sort by creation time), starting after the id
    /// <paramref name="after"/>; at most <paramref name="limit"/> items. Single-partition, keyset-paged.
    /// </summary>
    Task<KeysetPage<Product>> ListByMerchantAsync(
        string merchantId, bool includeArchived, string? after, int limit, CancellationToken cancellationToken);
}

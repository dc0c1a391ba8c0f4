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

/// <summary>Changes to a stored product: written under the ETag it was read with, and announced once written.</summary>
public static class ProductUpdates
{
    /// <summary>
    /// Reads the product, applies <paramref name="change"/> and replaces it under the ETag read; a lost race reads it
    /// again and re-applies the change (<see cref="Optimistic.UpdateAsync{T}"/>). When something was written, the
    /// catalog events hear of it (live pins and caches follow the product).
    /// </summary>
    /// <param name="ifMatch">The ETag the caller read, when it sent one: a product changed since is refused (412), not re-read.</param>
    /// <param name="change">The changed product, or null when there is nothing to write.</param>
    /// <param name="missing">What to throw when the product does not exist (404, or 422 when the body named it).</param>
    /// <returns>The product as stored now.</returns>
    public static async Task<Versioned<Product>> UpdateAsync(
        this IProductStore products,
        ICatalogEvents events,
        string merchantId,
        string productId,
        string? ifMatch,
        Func<Product, Product?> change,
        Func<Exception> missing,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(products);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(missing);
        var (stored, written) = await Optimistic.UpdateAsync(
            async () => await products.ReadAsync(merchantId, productId, cancellationToken) ?? throw missing(),
            change,
            (product, etag) => products.ReplaceAsync(product, etag, cancellationToken),
            ifMatch,
            $"Product '{productId}'",
            cancellationToken);
        if (written)
        {
            await events.ProductChangedAsync(stored.Value, cancellationToken);
        }

        return stored;
    }
}

using LiveShop.Core.Storage;

namespace LiveShop.Core.Orders;

/// <summary>Orders, partitioned by merchant.</summary>
public interface IOrderStore : IDocumentStore<Order>
{
    /// <summary>A merchant's orders, newest first (ids sort by creation time), after the id <paramref name="after"/>.</summary>
    Task<KeysetPage<Order>> ListByMerchantAsync(string merchantId, string? after, int limit, CancellationToken cancellationToken);
}

/// <summary>Changes to a stored order, each written under the ETag it was read with.</summary>
public static class OrderUpdates
{
    /// <summary>
    /// Reads the order, applies <paramref name="change"/> and replaces it under the ETag read; a lost race reads it again
    /// and re-applies the change (<see cref="Optimistic.UpdateAsync{T}"/>), so no change is lost or overwritten.
    /// </summary>
    /// <param name="change">The changed order, or null when there is nothing to write.</param>
    /// <param name="missing">What to throw when the order does not exist (404, 409, or a broken invariant).</param>
    /// <param name="read">The order as already read for this call, used for the first attempt (saves a read).</param>
    /// <returns>The order as stored now.</returns>
    public static async Task<Versioned<Order>> UpdateAsync(
        this IOrderStore orders,
        string merchantId,
        string orderId,
        Func<Order, Order?> change,
        Func<Exception> missing,
        CancellationToken cancellationToken,
        Versioned<Order>? read = null)
    {
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(missing);
        var (stored, _) = await Optimistic.UpdateAsync(
            async () =>
            {
                var first = read;
                read = null;
                return first ?? await orders.ReadAsync(merchantId, orderId, cancellationToken) ?? throw missing();
            },
            change,
            (order, etag) => orders.ReplaceAsync(order, etag, cancellationToken),
            null,
            $"Order '{orderId}'",
            cancellationToken);
        return stored;
    }
}

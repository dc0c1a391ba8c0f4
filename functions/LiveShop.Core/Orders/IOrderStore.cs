using LiveShop.Core.Storage;

namespace LiveShop.Core.Orders;

/// <summary>Orders, partitioned by merchant.</summary>
public interface IOrderStore : IDocumentStore<Order>
{
    /// <summary>A merchant's orders, newest first (ids sort by creation time), after the id <paramref name="after"/>.</summary>
    Task<KeysetPage<Order>> ListByMerchantAsync(string merchantId, string? after, int limit, CancellationToken cancellationToken);
}

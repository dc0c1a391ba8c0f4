using LiveShop.Core.Storage;

namespace LiveShop.Core.Checkout;

/// <summary>Checkouts, partitioned by buyer.</summary>
public interface ICheckoutStore : IDocumentStore<Checkout>
{
    /// <summary>The buyer's checkouts that got an order, newest order first, after the order id <paramref name="after"/>.</summary>
    Task<KeysetPage<Checkout>> ListOrderedAsync(string buyerId, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>The buyer's checkout of the order <paramref name="orderId"/>, if any.</summary>
    Task<Checkout?> FindByOrderAsync(string buyerId, string orderId, CancellationToken cancellationToken);
}

using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Streams;

namespace LiveShop.Core.Storage.InMemory;

public sealed class InMemoryProductStore : InMemoryDocumentStore<Product>, IProductStore, Events.IOutboxScan
{
    public Task<IReadOnlyList<Events.EventOutbox>> RaisedSinceAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(Events.OutboxScans.RaisedSince(All().Select(v => v.Value), since, limit));

    public Task<KeysetPage<Product>> ListByMerchantAsync(
        string merchantId, bool includeArchived, string? after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(Keyset.Page(Partition(merchantId).Select(v => v.Value).Where(p => includeArchived || !p.IsArchived), p => p.Id, after, limit));
}

public sealed class InMemoryStreamStore : InMemoryDocumentStore<LiveStream>, IStreamStore, Events.IOutboxScan
{
    public Task<IReadOnlyList<Events.EventOutbox>> RaisedSinceAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(Events.OutboxScans.RaisedSince(All().Select(v => v.Value), since, limit));

    public Task<IReadOnlyList<Versioned<LiveStream>>> FindPinningAsync(string merchantId, string productId, CancellationToken cancellationToken)
    {
        IReadOnlyList<Versioned<LiveStream>> pinning = All().Where(s => s.Value.MerchantId == merchantId && s.Value.Pin?.ProductId == productId).ToList();
        return Task.FromResult(pinning);
    }
}

/// <summary>Carts in memory; a cart expires after its time to live, on <paramref name="clock"/>.</summary>
public sealed class InMemoryCartStore(TimeProvider clock) : InMemoryDocumentStore<Cart>(clock), ICartStore;

public sealed class InMemorySaleClaimStore : InMemoryDocumentStore<Sales.SaleClaim>, Sales.ISaleClaimStore;

public sealed class InMemoryOpenCheckoutStore : InMemoryDocumentStore<Checkout.OpenCheckouts>, Checkout.IOpenCheckoutStore;

public sealed class InMemoryOrderStore : InMemoryDocumentStore<Orders.Order>, Orders.IOrderStore, Events.IOutboxScan
{
    public Task<IReadOnlyList<Events.EventOutbox>> RaisedSinceAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(Events.OutboxScans.RaisedSince(All().Select(v => v.Value), since, limit));

    public Task<KeysetPage<Orders.Order>> ListByMerchantAsync(string merchantId, string? after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(Keyset.Page(Partition(merchantId).Select(v => v.Value), o => o.Id, after, limit));
}

public sealed class InMemoryCheckoutStore : InMemoryDocumentStore<Checkout.Checkout>, Checkout.ICheckoutStore
{
    public Task<KeysetPage<Checkout.Checkout>> ListOrderedAsync(string buyerId, string? after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(Keyset.Page(Partition(buyerId).Select(v => v.Value).Where(c => c.HasOrder), c => c.OrderId, after, limit));

    public Task<Checkout.Checkout?> FindByOrderAsync(string buyerId, string orderId, CancellationToken cancellationToken) =>
        Task.FromResult(Partition(buyerId).Select(v => v.Value).FirstOrDefault(c => c.OrderId == orderId));
}

/// <summary>Keyset paging newest first over ids that sort by creation time, as the Cosmos queries do (a limit below 1 is refused, as there).</summary>
internal static class Keyset
{
    public static KeysetPage<T> Page<T>(IEnumerable<T> items, Func<T, string> key, string? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var ordered = items
            .Where(i => after is null || string.CompareOrdinal(key(i), after) < 0)
            .OrderByDescending(key, StringComparer.Ordinal)
            .Take(limit + 1)
            .ToList();
        var page = ordered.Take(limit).ToList();
        return new KeysetPage<T>(page, ordered.Count > limit ? key(page[^1]) : null);
    }
}

public sealed class InMemoryPaymentEventStore : InMemoryDocumentStore<Payments.PaymentEventRecord>, Payments.IPaymentEventStore;

public sealed class InMemoryOutboxMarkStore(TimeProvider clock) : InMemoryDocumentStore<Events.OutboxMark>(clock), Events.IOutboxMarkStore;

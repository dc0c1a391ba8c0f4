using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage;

namespace LiveShop.EndToEndTests;

/// <summary>
/// Makes store calls fail at random the way a throttled or unreachable Cosmos DB does (429/503, surfaced as
/// <see cref="StoreUnavailableException"/>): a read fails before it is done; a write fails either before it is done or
/// after (it was written, but its answer was lost). Seeded, and off until <see cref="Enabled"/>.
/// </summary>
public sealed class FaultInjector(double rate, int seed)
{
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();
    private volatile bool _enabled;
    private int _before;
    private int _after;

    public bool Enabled
    {
        get => _enabled;
        set => _enabled = value;
    }

    /// <summary>Calls failed before they were done.</summary>
    public int FailedBefore => Volatile.Read(ref _before);

    /// <summary>Writes done whose answer was lost.</summary>
    public int LostAnswers => Volatile.Read(ref _after);

    public async Task<T> ReadAsync<T>(string what, Func<Task<T>> read)
    {
        Before(what, rate);
        return await read();
    }

    public async Task<T> WriteAsync<T>(string what, Func<Task<T>> write)
    {
        Before(what, rate / 2);
        var written = await write();
        if (Roll(rate / 2))
        {
            Interlocked.Increment(ref _after);
            throw new StoreUnavailableException($"Injected: {what} was written but its answer was lost (503).", TimeSpan.FromMilliseconds(50), null);
        }

        return written;
    }

    private void Before(string what, double chance)
    {
        if (Roll(chance))
        {
            Interlocked.Increment(ref _before);
            throw new StoreUnavailableException($"Injected: {what} failed before it was done (429).", TimeSpan.FromMilliseconds(50), null);
        }
    }

    private bool Roll(double chance)
    {
        if (!_enabled)
        {
            return false;
        }

        lock (_gate)
        {
#pragma warning disable CA5394 // Fault injection, not security.
            return _random.NextDouble() < chance;
#pragma warning restore CA5394
        }
    }
}

public class FaultyDocumentStore<T>(IDocumentStore<T> inner, FaultInjector faults) : IDocumentStore<T>
    where T : class, IDocument
{
    protected FaultInjector Faults => faults;

    protected static string Name => typeof(T).Name;

    public Task<Versioned<T>?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken) =>
        faults.ReadAsync($"read of {Name} {id}", () => inner.ReadAsync(partitionKey, id, cancellationToken));

    public Task<IReadOnlyList<Versioned<T>>> ReadManyAsync(string partitionKey, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        faults.ReadAsync($"read of {Name}s", () => inner.ReadManyAsync(partitionKey, ids, cancellationToken));

    public Task<string> CreateAsync(T document, CancellationToken cancellationToken) =>
        faults.WriteAsync($"create of {Name} {document?.Id}", () => inner.CreateAsync(document!, cancellationToken));

    public Task<string> ReplaceAsync(T document, string ifMatch, CancellationToken cancellationToken) =>
        faults.WriteAsync($"replace of {Name} {document?.Id}", () => inner.ReplaceAsync(document!, ifMatch, cancellationToken));
}

public sealed class FaultyProductStore(IProductStore inner, FaultInjector faults) : FaultyDocumentStore<Product>(inner, faults), IProductStore
{
    public Task<KeysetPage<Product>> ListByMerchantAsync(string merchantId, bool includeArchived, string? after, int limit, CancellationToken cancellationToken) =>
        Faults.ReadAsync("product query", () => inner.ListByMerchantAsync(merchantId, includeArchived, after, limit, cancellationToken));
}

public sealed class FaultyCartStore(ICartStore inner, FaultInjector faults) : FaultyDocumentStore<Cart>(inner, faults), ICartStore;

public sealed class FaultySaleClaimStore(ISaleClaimStore inner, FaultInjector faults) : FaultyDocumentStore<SaleClaim>(inner, faults), ISaleClaimStore;

public sealed class FaultyOpenCheckoutStore(IOpenCheckoutStore inner, FaultInjector faults) : FaultyDocumentStore<OpenCheckouts>(inner, faults), IOpenCheckoutStore;

public sealed class FaultyPaymentEventStore(IPaymentEventStore inner, FaultInjector faults) : FaultyDocumentStore<PaymentEventRecord>(inner, faults), IPaymentEventStore;

public sealed class FaultyOrderStore(IOrderStore inner, FaultInjector faults) : FaultyDocumentStore<Order>(inner, faults), IOrderStore
{
    public Task<KeysetPage<Order>> ListByMerchantAsync(string merchantId, string? after, int limit, CancellationToken cancellationToken) =>
        Faults.ReadAsync("order query", () => inner.ListByMerchantAsync(merchantId, after, limit, cancellationToken));
}

public sealed class FaultyCheckoutStore(ICheckoutStore inner, FaultInjector faults) : FaultyDocumentStore<Checkout>(inner, faults), ICheckoutStore
{
    public Task<KeysetPage<Checkout>> ListOrderedAsync(string buyerId, string? after, int limit, CancellationToken cancellationToken) =>
        Faults.ReadAsync("checkout query", () => inner.ListOrderedAsync(buyerId, after, limit, cancellationToken));

    public Task<Checkout?> FindByOrderAsync(string buyerId, string orderId, CancellationToken cancellationToken) =>
        Faults.ReadAsync("checkout query", () => inner.FindByOrderAsync(buyerId, orderId, cancellationToken));
}

public sealed class FaultyStockStore(IStockStore inner, FaultInjector faults) : IStockStore
{
    public Task<IReadOnlyList<StockShard>> ReadAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        faults.ReadAsync("read of stock shards", () => inner.ReadAsync(ids, cancellationToken));

    public Task<bool> TryCreateAsync(StockShard shard, CancellationToken cancellationToken) =>
        faults.WriteAsync($"create of stock shard {shard?.Id}", () => inner.TryCreateAsync(shard!, cancellationToken));

    public Task<StockShard?> TryApplyAsync(string shardId, StockChange change, CancellationToken cancellationToken) =>
        faults.WriteAsync($"{change?.GetType().Name} on stock shard {shardId}", () => inner.TryApplyAsync(shardId, change!, cancellationToken));

    public Task<IReadOnlyList<StockShard>> ListWithHoldsAsync(CancellationToken cancellationToken) =>
        faults.ReadAsync("stock shard query", () => inner.ListWithHoldsAsync(cancellationToken));
}

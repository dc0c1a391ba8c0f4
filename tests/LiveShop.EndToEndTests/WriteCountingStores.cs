using System.Collections.Concurrent;
using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Sales;
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

    public virtual Task<IReadOnlyList<Versioned<T>>> ReadManyAsync(string partitionKey, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
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

public sealed class WriteCountingStreamStore(IStreamStore inner) : WriteCountingStore<LiveStream>(inner), IStreamStore
{
    public Task<IReadOnlyList<Versioned<LiveStream>>> FindPinningAsync(string merchantId, string productId, CancellationToken cancellationToken) =>
        inner.FindPinningAsync(merchantId, productId, cancellationToken);
}

public sealed class WriteCountingCartStore(ICartStore inner) : WriteCountingStore<Cart>(inner), ICartStore;

public sealed class WriteCountingOrderStore(IOrderStore inner) : WriteCountingStore<Order>(inner), IOrderStore
{
    public Task<KeysetPage<Order>> ListByMerchantAsync(string merchantId, string? after, int limit, CancellationToken cancellationToken) =>
        inner.ListByMerchantAsync(merchantId, after, limit, cancellationToken);
}

public sealed class WriteCountingCheckoutStore(ICheckoutStore inner) : WriteCountingStore<Checkout>(inner), ICheckoutStore
{
    public Task<KeysetPage<Checkout>> ListOrderedAsync(string buyerId, string? after, int limit, CancellationToken cancellationToken) =>
        inner.ListOrderedAsync(buyerId, after, limit, cancellationToken);

    public Task<Checkout?> FindByOrderAsync(string buyerId, string orderId, CancellationToken cancellationToken) =>
        inner.FindByOrderAsync(buyerId, orderId, cancellationToken);
}

public sealed class WriteCountingPaymentEventStore(IPaymentEventStore inner) : WriteCountingStore<PaymentEventRecord>(inner), IPaymentEventStore;

/// <summary>
/// Buyers' flash-sale claims, counting writes. A test can hold back the next read of a buyer's claims (what a checkout's
/// pricing reads) after it is read, to line two checkouts of one buyer up the way a real race would.
/// </summary>
public sealed class WriteCountingSaleClaimStore(ISaleClaimStore inner) : WriteCountingStore<SaleClaim>(inner), ISaleClaimStore
{
    private readonly ConcurrentDictionary<string, HeldRead> _held = new(StringComparer.Ordinal);

    /// <summary>The next ReadMany of <paramref name="buyerId"/>'s claims reads, then waits until the returned read is let go.</summary>
    public HeldRead HoldNextReadMany(string buyerId)
    {
        var held = new HeldRead();
        Assert.True(_held.TryAdd(buyerId, held), $"A read of {buyerId}'s claims is held already.");
        return held;
    }

    public override async Task<IReadOnlyList<Versioned<SaleClaim>>> ReadManyAsync(string partitionKey, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var read = await base.ReadManyAsync(partitionKey, ids, cancellationToken);
        if (_held.TryRemove(partitionKey, out var held))
        {
            held.Reached.TrySetResult();
            await held.Released.Task;
        }

        return read;
    }

    /// <summary>A held read: <see cref="Reached"/> completes once it has read; it returns once <see cref="Release"/> is called.</summary>
    public sealed class HeldRead
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Released.TrySetResult();
    }
}

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

using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using LiveShop.Azure.Cosmos;
using LiveShop.Core.Catalog;
using LiveShop.Core.Markets;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LiveShop.Benchmarks;

/// <summary>One way of keeping a SKU's stock, as the reservation race drives it: reserve 1 unit, then commit it.</summary>
public interface IReservationStrategy
{
    string Name { get; }

    /// <summary>Conditional writes refused so far (412: the condition or the ETag no longer held).</summary>
    long Conflicts { get; }

    /// <summary>Creates the SKU's stock documents (not timed).</summary>
    Task PrepareAsync(CancellationToken ct);

    /// <summary>Holds 1 unit for <paramref name="checkoutId"/>; false when the SKU is sold out.</summary>
    Task<bool> ReserveAsync(string checkoutId, CancellationToken ct);

    /// <summary>Turns the unit held for <paramref name="checkoutId"/> into a sold unit; false if it was not held.</summary>
    Task<bool> CommitAsync(string checkoutId, CancellationToken ct);

    /// <summary>The SKU's stock as stored now, read from its documents.</summary>
    Task<StoredStock> ReadStoredAsync(CancellationToken ct);
}

/// <summary>A SKU's stock summed over its documents.</summary>
/// <param name="Negative">Units below zero summed over the documents whose available count went negative.</param>
/// <param name="LargestDocumentBytes">The largest stock document's JSON size.</param>
public sealed record StoredStock(long OnHand, long Available, long Reserved, long Sold, long Negative, int Documents, int LargestDocumentBytes)
{
    public bool Balanced => OnHand == Available + Reserved + Sold;
}

/// <summary>
/// The chosen design: <see cref="StockLedger"/> over <see cref="CosmosStockStore"/>, the code the checkout runs. The
/// SKU's units are split over shard documents; each change is one patch with a filter predicate.
/// </summary>
public sealed class LedgerStrategy : IReservationStrategy
{
    private readonly CountingStockStore _store;
    private readonly StockLedger _ledger;
    private readonly Product _product;
    private readonly Sku _sku;

    public LedgerStrategy(CosmosClient client, string databaseName, string productId, long units)
    {
        _store = new CountingStockStore(new CosmosStockStore(client, databaseName));
        _ledger = new StockLedger(_store, TimeProvider.System);
        var usd = MarketRegistry.Get("us").Currency;
        _sku = new Sku("bench-sku", new Dictionary<string, string>(), new Core.Money.Money(4900, usd), units);
        var now = DateTimeOffset.UtcNow;
        _product = new Product(productId, "bench-merchant", "us", "Bench flash-sale item", string.Empty, [], [_sku], ProductStatus.Active, now, now);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<HeldUnits>> _held = new(StringComparer.Ordinal);

    public string Name => $"chosen: StockLedger, {StockLedger.ShardCountFor(_sku.StockOnHand)} shards, filtered patch";

    public long Conflicts => _store.Refused;

    private static DateTimeOffset Expiry => DateTimeOffset.UtcNow.AddMinutes(15);

    /// <summary>The first buyer of a SKU creates its shards; here one reservation, released at once, does it before the race.</summary>
    public async Task PrepareAsync(CancellationToken ct)
    {
        var hold = StockLedger.HoldIdFor($"{_product.Id}-prepare", 0);
        if ((await _ledger.ReserveAsync(_product, _sku, hold, 1, null, Expiry, ct)).Outcome != ReservationOutcome.Reserved)
        {
            throw new InvalidOperationException("The first reservation of a fresh SKU was refused.");
        }

        await _ledger.ReleaseAsync(SkuRef.Of(_product, _sku), hold, ct);
    }

    public async Task<bool> ReserveAsync(string checkoutId, CancellationToken ct)
    {
        var reserved = await _ledger.ReserveAsync(_product, _sku, StockLedger.HoldIdFor(checkoutId, 0), 1, null, Expiry, ct);
        _held[checkoutId] = reserved.Held;
        return reserved.Outcome == ReservationOutcome.Reserved;
    }

    /// <summary>Commits where the reservation said the units are held (as the checkout does).</summary>
    public Task<bool> CommitAsync(string checkoutId, CancellationToken ct) =>
        _held.TryRemove(checkoutId, out var held)
            ? _ledger.CommitAsync(StockLedger.HoldIdFor(checkoutId, 0), held, Expiry, ct)
            : Task.FromResult(false);

    public async Task<StoredStock> ReadStoredAsync(CancellationToken ct)
    {
        var ids = Enumerable.Range(0, StockLedger.MaxShards).Select(i => StockShard.IdOf(_product.Id, _sku.Id, i)).ToList();
        var shards = await _store.ReadAsync(ids, ct);
        return new StoredStock(
            shards.Sum(s => s.OnHand),
            shards.Sum(s => s.Available),
            shards.Sum(s => s.Reserved),
            shards.Sum(s => s.Sold),
            shards.Sum(s => Math.Max(0, -s.Available)),
            shards.Count,
            shards.Count == 0 ? 0 : shards.Max(s => JsonSerializer.SerializeToUtf8Bytes(s, StorageJson.Options).Length));
    }
}

/// <summary>
/// The baseline: one stock document per SKU, changed by read-modify-write under its ETag, re-read and retried on 412
/// after the same jittered backoff the app's optimistic writes use (<see cref="Optimistic"/>). Its document holds the
/// three counters only: no record of each hold, so it is smaller than a shard (and a retried step would count twice).
/// </summary>
public sealed class EtagDocumentStrategy(Container container, string skuDocumentId, long units) : IReservationStrategy
{
    public const string ContainerName = "benchBaselineStock";

    private long _conflicts;

    public string Name => "baseline: 1 document, ETag read-modify-write";

    public long Conflicts => Interlocked.Read(ref _conflicts);

    /// <summary>The baseline's container: partition key /id and the indexing policy of the stock container.</summary>
    public static async Task<Container> CreateContainerAsync(Database database, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(database);
        var properties = CosmosStorageInitializer.Properties(PlatformDefinitions.Stock);
        properties.Id = ContainerName;
        return (await database.CreateContainerIfNotExistsAsync(properties, cancellationToken: ct)).Container;
    }

    public Task PrepareAsync(CancellationToken ct) =>
        container.CreateItemAsync(new BaselineStock(skuDocumentId, units, units, 0, 0), new PartitionKey(skuDocumentId), cancellationToken: ct);

    public Task<bool> ReserveAsync(string checkoutId, CancellationToken ct) =>
        UpdateAsync(s => s.Available >= 1 ? s with { Available = s.Available - 1, Reserved = s.Reserved + 1 } : null, ct);

    public Task<bool> CommitAsync(string checkoutId, CancellationToken ct) =>
        UpdateAsync(s => s.Reserved >= 1 ? s with { Reserved = s.Reserved - 1, Sold = s.Sold + 1 } : null, ct);

    public async Task<StoredStock> ReadStoredAsync(CancellationToken ct)
    {
        var s = (await container.ReadItemAsync<BaselineStock>(skuDocumentId, new PartitionKey(skuDocumentId), cancellationToken: ct)).Resource;
        return new StoredStock(s.OnHand, s.Available, s.Reserved, s.Sold, Math.Max(0, -s.Available), 1, JsonSerializer.SerializeToUtf8Bytes(s, StorageJson.Options).Length);
    }

    private async Task<bool> UpdateAsync(Func<BaselineStock, BaselineStock?> change, CancellationToken ct)
    {
        var key = new PartitionKey(skuDocumentId);
        return await EtagReadModifyWrite.ApplyAsync<BaselineStock>(
            async () =>
            {
                var read = await container.ReadItemAsync<BaselineStock>(skuDocumentId, key, cancellationToken: ct);
                return (read.Resource, read.ETag);
            },
            change,
            (changed, etag) => container.ReplaceItemAsync(changed, skuDocumentId, key, new ItemRequestOptions { IfMatchEtag = etag, EnableContentResponseOnWrite = false }, ct),
            e => e is CosmosException { StatusCode: HttpStatusCode.PreconditionFailed },
            () => Interlocked.Increment(ref _conflicts),
            ct) is not null;
    }

    private sealed record BaselineStock(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("onhand")] long OnHand,
        [property: JsonPropertyName("available")] long Available,
        [property: JsonPropertyName("reserved")] long Reserved,
        [property: JsonPropertyName("sold")] long Sold);
}

/// <summary>An <see cref="IStockStore"/> that counts the changes refused by their condition (412 on Cosmos DB).</summary>
public sealed class CountingStockStore(IStockStore inner) : IStockStore
{
    private long _refused;

    public long Refused => Interlocked.Read(ref _refused);

    public Task<IReadOnlyList<StockShard>> ReadAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        inner.ReadAsync(ids, cancellationToken);

    public Task<bool> TryCreateAsync(StockShard shard, CancellationToken cancellationToken) => inner.TryCreateAsync(shard, cancellationToken);

    public async Task<StockShard?> TryApplyAsync(string shardId, StockChange change, CancellationToken cancellationToken)
    {
        var written = await inner.TryApplyAsync(shardId, change, cancellationToken);
        if (written is null)
        {
            Interlocked.Increment(ref _refused);
        }

        return written;
    }

    public Task<IReadOnlyList<StockShard>> ListWithHoldsAsync(CancellationToken cancellationToken) => inner.ListWithHoldsAsync(cancellationToken);
}

/// <summary>
/// The baseline's way of changing a stock document, behind the app's <see cref="IStockStore"/> so the whole checkout
/// can run on it: read the shard, apply the change in memory (<see cref="StockShard.Apply"/>: null when its condition
/// does not hold, as a refused filter), replace under the read ETag, and on 412 read again after
/// <see cref="Optimistic"/>'s backoff, until it is written or refused. Reads, creates and the sweep's listing are the
/// Cosmos store's own.
/// </summary>
public sealed class EtagStockStore(CosmosStockStore inner) : IStockStore
{
    private long _conflicts;

    /// <summary>Replaces refused because the shard changed since it was read (412).</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

    public Task<IReadOnlyList<StockShard>> ReadAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        inner.ReadAsync(ids, cancellationToken);

    public Task<bool> TryCreateAsync(StockShard shard, CancellationToken cancellationToken) => inner.TryCreateAsync(shard, cancellationToken);

    public Task<StockShard?> TryApplyAsync(string shardId, StockChange change, CancellationToken cancellationToken) =>
        EtagReadModifyWrite.ApplyAsync<StockShard>(
            async () => await inner.ReadAsync(shardId, shardId, cancellationToken) is { } read ? (read.Value, read.ETag) : null,
            shard => shard.Apply(change),
            (changed, etag) => inner.ReplaceAsync(changed, etag, cancellationToken),
            e => e is ConcurrencyConflictException,
            () => Interlocked.Increment(ref _conflicts),
            cancellationToken);

    public Task<IReadOnlyList<StockShard>> ListWithHoldsAsync(CancellationToken cancellationToken) => inner.ListWithHoldsAsync(cancellationToken);
}

/// <summary>The baselines' way of writing: read-modify-write under the ETag read, retried on a stale ETag.</summary>
internal static class EtagReadModifyWrite
{
    /// <summary>
    /// Reads the document (null: it does not exist), changes it in memory (null: the change does not apply) and
    /// replaces it under the ETag read; a replace refused because the document changed since (<paramref name="isStale"/>)
    /// is counted (<paramref name="stale"/>) and the whole is tried again after <see cref="Optimistic.Backoff"/>, with
    /// no bound. Returns the document as written, or null when nothing was written.
    /// </summary>
    public static async Task<T?> ApplyAsync<T>(
        Func<Task<(T Document, string ETag)?>> read, Func<T, T?> change, Func<T, string, Task> replace, Func<Exception, bool> isStale, Action stale, CancellationToken ct)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await read() is not { } current || change(current.Document) is not { } changed)
            {
                return null;
            }

            try
            {
                await replace(changed, current.ETag);
                return changed;
            }
            catch (Exception e) when (isStale(e))
            {
                stale();
            }

            await Task.Delay(Optimistic.Backoff(attempt), ct);
        }
    }
}

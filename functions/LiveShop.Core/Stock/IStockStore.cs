namespace LiveShop.Core.Stock;

/// <summary>Stock shards (container "stock", partition key id). Implemented in memory and on Cosmos DB, held to one contract.</summary>
public interface IStockStore
{
    /// <summary>The shards among <paramref name="ids"/> that exist (each id is its own partition).</summary>
    Task<IReadOnlyList<StockShard>> ReadAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>Creates the shard unless one with its id exists; returns whether this call created it.</summary>
    Task<bool> TryCreateAsync(StockShard shard, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the change atomically if its condition holds and returns the shard as written; returns null when the
    /// condition does not hold or the shard does not exist (nothing written).
    /// </summary>
    Task<StockShard?> TryApplyAsync(string shardId, StockChange change, CancellationToken cancellationToken);

    /// <summary>Shards that have holds (open or finished), for the expiry sweep.</summary>
    Task<IReadOnlyList<StockShard>> ListWithHoldsAsync(CancellationToken cancellationToken);
}

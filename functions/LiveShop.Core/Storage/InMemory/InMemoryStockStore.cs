using LiveShop.Core.Stock;

namespace LiveShop.Core.Storage.InMemory;

/// <summary>Stock shards in memory: each change is applied with <see cref="StockShard.Apply"/> under the store's lock.</summary>
public sealed class InMemoryStockStore : InMemoryDocumentStore<StockShard>, IStockStore
{
    public async Task<IReadOnlyList<StockShard>> ReadAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var found = new List<StockShard>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (await ReadAsync(id, id, cancellationToken) is { } shard)
            {
                found.Add(shard.Value);
            }
        }

        return found;
    }

    public async Task<bool> TryCreateAsync(StockShard shard, CancellationToken cancellationToken)
    {
        try
        {
            await CreateAsync(shard, cancellationToken);
            return true;
        }
        catch (DuplicateDocumentException)
        {
            return false;
        }
    }

    public Task<StockShard?> TryApplyAsync(string shardId, StockChange change, CancellationToken cancellationToken) =>
        Task.FromResult(Atomically<StockShard?>(shardId, shardId, current =>
        {
            var written = current?.Value.Apply(change);
            return (written, written);
        }));

    public Task<IReadOnlyList<StockShard>> ListWithHoldsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StockShard>>(All().Select(v => v.Value).Where(s => s.Reserved > 0 || s.Marks > 0).ToList());
}

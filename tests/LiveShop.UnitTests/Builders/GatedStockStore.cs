using LiveShop.Core.Stock;

namespace LiveShop.UnitTests.Builders;

/// <summary>
/// A stock store that, once armed, holds every read of a SKU's shards until <c>parties</c> such reads have arrived,
/// so that concurrent callers all read before any of them writes (a race made to happen, not hoped for). Reads of fewer
/// shards (a re-read after a refused write) and everything else pass straight through.
/// </summary>
public sealed class GatedStockStore(IStockStore inner) : IStockStore
{
    private readonly object _lock = new();
    private TaskCompletionSource? _open;
    private int _waiting;
    private int _parties;

    /// <summary>The next <paramref name="parties"/> reads of all of a SKU's shards wait for each other.</summary>
    public void Arm(int parties)
    {
        lock (_lock)
        {
            _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting = 0;
            _parties = parties;
        }
    }

    public async Task<IReadOnlyList<StockShard>> ReadAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        Task? gate = null;
        lock (_lock)
        {
            if (_open is { } open && ids.Count == StockLedger.MaxShards)
            {
                gate = open.Task;
                if (++_waiting == _parties)
                {
                    _open = null;
                    open.SetResult();
                }
            }
        }

        var shards = await inner.ReadAsync(ids, cancellationToken);
        if (gate is not null)
        {
            // Read first, then wait: every caller acts on what it saw before anyone wrote.
            await gate.WaitAsync(cancellationToken);
        }

        return shards;
    }

    public Task<bool> TryCreateAsync(StockShard shard, CancellationToken cancellationToken) => inner.TryCreateAsync(shard, cancellationToken);

    public Task<StockShard?> TryApplyAsync(string shardId, StockChange change, CancellationToken cancellationToken) =>
        inner.TryApplyAsync(shardId, change, cancellationToken);

    public Task<IReadOnlyList<StockShard>> ListWithHoldsAsync(CancellationToken cancellationToken) => inner.ListWithHoldsAsync(cancellationToken);
}

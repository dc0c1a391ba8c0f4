using LiveShop.Core.Stock;

namespace LiveShop.UnitTests.Builders;

/// <summary>
/// A stock store that yields before every call, the way a network round trip does, so that concurrent ledger calls
/// really interleave between their reads and their conditional writes; it counts the reads and writes it passes on.
/// With a <paramref name="changes"/> gate, every conditional change waits at it first, so the buyers it waits for
/// have all chosen their shards before any unit is taken.
/// </summary>
public sealed class LatentStockStore(IStockStore inner, bool yields = true, RaceGate? changes = null) : IStockStore
{
    private int _reads;
    private int _writes;
    private int _refused;

    /// <summary>Reads of shards by id (each call, however many ids it names).</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Creates and conditional changes tried (whether or not they were written).</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Conditional changes whose condition did not hold.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public async Task<IReadOnlyList<StockShard>> ReadAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        await PauseAsync();
        Interlocked.Increment(ref _reads);
        return await inner.ReadAsync(ids, cancellationToken);
    }

    public async Task<bool> TryCreateAsync(StockShard shard, CancellationToken cancellationToken)
    {
        await PauseAsync();
        Interlocked.Increment(ref _writes);
        return await inner.TryCreateAsync(shard, cancellationToken);
    }

    public async Task<StockShard?> TryApplyAsync(string shardId, StockChange change, CancellationToken cancellationToken)
    {
        await PauseAsync();
        await (changes?.ArriveAsync() ?? Task.CompletedTask);
        Interlocked.Increment(ref _writes);
        var written = await inner.TryApplyAsync(shardId, change, cancellationToken);
        if (written is null)
        {
            Interlocked.Increment(ref _refused);
        }

        return written;
    }

    public async Task<IReadOnlyList<StockShard>> ListWithHoldsAsync(CancellationToken cancellationToken)
    {
        await PauseAsync();
        return await inner.ListWithHoldsAsync(cancellationToken);
    }

    private async Task PauseAsync()
    {
        if (yields)
        {
            await Task.Yield();
        }
    }
}

using LiveShop.Core.Carts;
using LiveShop.Core.Storage;

namespace LiveShop.UnitTests.Builders;

/// <summary>
/// A cart store that yields before every read and write, the way a network round trip does, so that concurrent
/// read-modify-writes really interleave (the in-memory store alone completes synchronously). With a
/// <paramref name="writes"/> gate, every write waits at it first, so the writers it waits for have all read before
/// any writes: the race is certain, whatever the scheduler does.
/// </summary>
public sealed class LatentCartStore(ICartStore inner, RaceGate? writes = null) : ICartStore
{
    private int _conflicts;

    /// <summary>Writes refused because another writer changed or created the cart first.</summary>
    public int Conflicts => Volatile.Read(ref _conflicts);

    public async Task<Versioned<Cart>?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken)
    {
        await Task.Yield();
        return await inner.ReadAsync(partitionKey, id, cancellationToken);
    }

    public async Task<IReadOnlyList<Versioned<Cart>>> ReadManyAsync(string partitionKey, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        await Task.Yield();
        return await inner.ReadManyAsync(partitionKey, ids, cancellationToken);
    }

    public async Task<string> CreateAsync(Cart document, CancellationToken cancellationToken)
    {
        await Task.Yield();
        await (writes?.ArriveAsync() ?? Task.CompletedTask);
        try
        {
            return await inner.CreateAsync(document, cancellationToken);
        }
        catch (DuplicateDocumentException)
        {
            Interlocked.Increment(ref _conflicts);
            throw;
        }
    }

    public async Task<string> ReplaceAsync(Cart document, string ifMatch, CancellationToken cancellationToken)
    {
        await Task.Yield();
        await (writes?.ArriveAsync() ?? Task.CompletedTask);
        try
        {
            return await inner.ReplaceAsync(document, ifMatch, cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            Interlocked.Increment(ref _conflicts);
            throw;
        }
    }
}

using LiveShop.Core.Storage;
using LiveShop.Core.Streams;

namespace LiveShop.UnitTests.Builders;

/// <summary>
/// A stream store that yields before every read and replace, the way a network round trip does, so that
/// concurrent read-modify-writes really interleave (the in-memory store alone completes synchronously). With a
/// <paramref name="replaces"/> gate, every replace waits at it first, so the writers it waits for have all read.
/// </summary>
public sealed class LatentStreamStore(IStreamStore inner, RaceGate? replaces = null) : IStreamStore
{
    private int _conflicts;

    public int Conflicts => Volatile.Read(ref _conflicts);

    public async Task<Versioned<LiveStream>?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken)
    {
        await Task.Yield();
        return await inner.ReadAsync(partitionKey, id, cancellationToken);
    }

    public Task<IReadOnlyList<Versioned<LiveStream>>> ReadManyAsync(string partitionKey, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        inner.ReadManyAsync(partitionKey, ids, cancellationToken);

    public Task<IReadOnlyList<Versioned<LiveStream>>> FindPinningAsync(string merchantId, string productId, CancellationToken cancellationToken) =>
        inner.FindPinningAsync(merchantId, productId, cancellationToken);

    public Task<string> CreateAsync(LiveStream document, CancellationToken cancellationToken) => inner.CreateAsync(document, cancellationToken);

    public async Task<string> ReplaceAsync(LiveStream document, string ifMatch, CancellationToken cancellationToken)
    {
        await Task.Yield();
        await (replaces?.ArriveAsync() ?? Task.CompletedTask);
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

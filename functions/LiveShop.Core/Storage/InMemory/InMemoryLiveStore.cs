using LiveShop.Core.Live;
using LiveShop.Core.Streams;

namespace LiveShop.Core.Storage.InMemory;

/// <summary>The live container in memory: one store per kind of document, with the same ids and time to live as on Cosmos DB.</summary>
public sealed class InMemoryLiveStore(TimeProvider clock) : ILiveStore
{
    private readonly Docs<LiveCounter> _counters = new(clock);
    private readonly Docs<SlotClaim> _slots = new(clock);
    private readonly Docs<PresenceDocument> _presences = new(clock);
    private readonly Docs<StreamSaleDocument> _sales = new(clock);
    private readonly Docs<PinDocument> _pins = new(clock);

    public InMemoryLiveStore()
        : this(TimeProvider.System)
    {
    }

    public Task<long> NextSequenceAsync(string streamId, CancellationToken cancellationToken) =>
        Task.FromResult(_counters.Change(streamId, LiveDocuments.SequenceId, c => new LiveCounter(LiveDocuments.SequenceId, streamId, "seq", (c?.Value ?? 0) + 1)).Value);

    public async Task<bool> TryClaimSlotAsync(string streamId, string key, long slot, int ttlSeconds, CancellationToken cancellationToken)
    {
        try
        {
            await _slots.CreateAsync(new SlotClaim(LiveDocuments.SlotId(key, slot), streamId, "slot", ttlSeconds), cancellationToken);
            return true;
        }
        catch (DuplicateDocumentException)
        {
            return false;
        }
    }

    public Task UpsertPresenceAsync(ViewerPresence presence, CancellationToken cancellationToken)
    {
        var document = PresenceDocument.From(presence);
        _presences.Change(document.StreamId, document.Id, _ => document);
        return Task.CompletedTask;
    }

    public Task<bool> RemovePresenceAsync(string streamId, string connectionId, CancellationToken cancellationToken) =>
        Task.FromResult(_presences.Remove(streamId, LiveDocuments.PresenceId(connectionId)));

    public Task<long> CountViewersAsync(string streamId, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult((long)_presences.InPartition(streamId).Count(p => p.Value.ExpiresAt > now.ToUnixTimeMilliseconds()));

    public Task<IReadOnlyList<ViewerPresence>> StalePresencesAsync(DateTimeOffset checkedBefore, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<ViewerPresence> stale = _presences.Everything()
            .Where(p => p.Value.CheckedAt < checkedBefore.ToUnixTimeMilliseconds())
            .Take(limit)
            .Select(p => p.Value.ToPresence())
            .ToList();
        return Task.FromResult(stale);
    }

    public Task<long> RaisePeakAsync(string streamId, long viewers, CancellationToken cancellationToken) =>
        Task.FromResult(_counters.Change(streamId, LiveDocuments.PeakId, c => c is not null && c.Value >= viewers ? null : new LiveCounter(LiveDocuments.PeakId, streamId, "peak", viewers)).Value);

    public async Task RecordSaleAsync(StreamSale sale, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sale);
        try
        {
            await _sales.CreateAsync(
                new StreamSaleDocument(LiveDocuments.SaleId(sale.OrderId), sale.StreamId, "sale", sale.OrderId, sale.Units, sale.GmvMinorUnits, sale.Currency, sale.PaidAt),
                cancellationToken);
        }
        catch (DuplicateDocumentException)
        {
            // Counted already (a repeated step).
        }
    }

    public Task<StreamSalesTotals> SalesTotalsAsync(string streamId, CancellationToken cancellationToken)
    {
        var sales = _sales.InPartition(streamId).Select(s => s.Value).ToList();
        return Task.FromResult(new StreamSalesTotals(sales.Count, sales.Sum(s => s.Units), sales.Sum(s => s.Gmv)));
    }

    public Task SavePinEventAsync(string streamId, PinEvent pinEvent, CancellationToken cancellationToken)
    {
        var document = PinDocument.From(streamId, pinEvent);
        _pins.Change(streamId, document.Id, _ => document);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PinEvent>> PinEventsAsync(string streamId, long? before, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<PinEvent> page = _pins.InPartition(streamId)
            .Select(p => p.Value)
            .Where(p => before is null || p.Revision < before)
            .OrderByDescending(p => p.Revision)
            .Take(limit)
            .Select(p => p.ToEvent())
            .ToList();
        return Task.FromResult(page);
    }

    /// <summary>One kind of live document in memory, with atomic changes and listings.</summary>
    private sealed class Docs<T>(TimeProvider clock) : InMemoryDocumentStore<T>(clock)
        where T : class, IDocument
    {
        public IReadOnlyList<Versioned<T>> InPartition(string partitionKey) => Partition(partitionKey);

        public IReadOnlyList<Versioned<T>> Everything() => All();

        /// <summary>Writes what <paramref name="change"/> makes of the current document (null: nothing); returns the document now.</summary>
        public T Change(string partitionKey, string id, Func<T?, T?> change) =>
            Atomically(partitionKey, id, current =>
            {
                var written = change(current?.Value);
                return (written, written ?? current!.Value);
            });

        public bool Remove(string partitionKey, string id) => Delete(partitionKey, id);
    }
}

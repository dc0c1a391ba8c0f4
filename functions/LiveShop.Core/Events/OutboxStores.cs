using LiveShop.Core.Catalog;
using LiveShop.Core.Orders;
using LiveShop.Core.Storage;
using LiveShop.Core.Streams;

namespace LiveShop.Core.Events;

/// <summary>
/// A store that writes each document with the events its new state raises in its outbox (the same conditional write),
/// then sends them at once; what cannot be sent now stays in the outbox for the sweep. The services do not change:
/// the events follow from the state they store.
/// </summary>
public abstract class OutboxStore<T>(IDocumentStore<T> inner, OutboxPublisher publisher, TimeProvider clock) : IDocumentStore<T>, IOutboxScan
    where T : class, IDocument, IHasOutbox
{
    public Task<Versioned<T>?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken) =>
        inner.ReadAsync(partitionKey, id, cancellationToken);

    public Task<IReadOnlyList<Versioned<T>>> ReadManyAsync(string partitionKey, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        inner.ReadManyAsync(partitionKey, ids, cancellationToken);

    public async Task<string> CreateAsync(T document, CancellationToken cancellationToken)
    {
        var (staged, raised) = Stage(document);
        var etag = await inner.CreateAsync(staged, cancellationToken);
        await SendAsync(raised, cancellationToken);
        return etag;
    }

    public async Task<string> ReplaceAsync(T document, string ifMatch, CancellationToken cancellationToken)
    {
        var (staged, raised) = Stage(document);
        var etag = await inner.ReplaceAsync(staged, ifMatch, cancellationToken);
        await SendAsync(raised, cancellationToken);
        return etag;
    }

    public Task<IReadOnlyList<EventOutbox>> RaisedSinceAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
        inner is IOutboxScan scan ? scan.RaisedSinceAsync(since, limit, cancellationToken) : Task.FromResult<IReadOnlyList<EventOutbox>>([]);

    /// <summary>Every event the document's state implies (raised before or not).</summary>
    protected abstract IEnumerable<DomainEvent> Derive(T document, DateTimeOffset now);

    protected abstract T WithOutbox(T document, EventOutbox? outbox);

    private (T Document, IReadOnlyList<DomainEvent> Raised) Stage(T document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var now = clock.GetUtcNow();
        var (outbox, raised) = OutboxStaging.Stage(document.Outbox, Derive(document, now), now);
        return raised.Count == 0 ? (document, raised) : (WithOutbox(document, outbox), raised);
    }

    private async Task SendAsync(IReadOnlyList<DomainEvent> raised, CancellationToken ct)
    {
        if (raised.Count > 0)
        {
            // The state is stored with its events: the caller's change succeeded whatever happens to this send.
            await publisher.SendAsync(raised, checkSent: false, CancellationToken.None);
        }
    }
}

public sealed class OutboxOrderStore(IOrderStore inner, OutboxPublisher publisher, TimeProvider clock)
    : OutboxStore<Order>(inner, publisher, clock), IOrderStore
{
    public Task<KeysetPage<Order>> ListByMerchantAsync(string merchantId, string? after, int limit, CancellationToken cancellationToken) =>
        inner.ListByMerchantAsync(merchantId, after, limit, cancellationToken);

    protected override IEnumerable<DomainEvent> Derive(Order document, DateTimeOffset now) => DomainEventCatalog.Of(document);

    protected override Order WithOutbox(Order document, EventOutbox? outbox) => document with { Outbox = outbox };
}

public sealed class OutboxStreamStore(IStreamStore inner, OutboxPublisher publisher, TimeProvider clock)
    : OutboxStore<LiveStream>(inner, publisher, clock), IStreamStore
{
    public Task<IReadOnlyList<Versioned<LiveStream>>> FindPinningAsync(string merchantId, string productId, CancellationToken cancellationToken) =>
        inner.FindPinningAsync(merchantId, productId, cancellationToken);

    protected override IEnumerable<DomainEvent> Derive(LiveStream document, DateTimeOffset now) => DomainEventCatalog.Of(document);

    protected override LiveStream WithOutbox(LiveStream document, EventOutbox? outbox) => document with { Outbox = outbox };
}

public sealed class OutboxProductStore(IProductStore inner, OutboxPublisher publisher, TimeProvider clock)
    : OutboxStore<Product>(inner, publisher, clock), IProductStore
{
    public Task<KeysetPage<Product>> ListByMerchantAsync(string merchantId, bool includeArchived, string? after, int limit, CancellationToken cancellationToken) =>
        inner.ListByMerchantAsync(merchantId, includeArchived, after, limit, cancellationToken);

    protected override IEnumerable<DomainEvent> Derive(Product document, DateTimeOffset now) => DomainEventCatalog.Of(document, now);

    protected override Product WithOutbox(Product document, EventOutbox? outbox) => document with { Outbox = outbox };
}

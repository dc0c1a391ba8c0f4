using System.Text.Json.Serialization;
using LiveShop.Core.Orders;
using LiveShop.Core.Storage;

namespace LiveShop.Core.Events;

/// <summary>
/// The outbox kept in an aggregate's own document: the domain events its recent state changes raised, written in the
/// same conditional write as the change, so an event exists exactly when its change was stored. Published events stay
/// (marked as sent in the outbox marks, not by rewriting the aggregate, so no ETag a client holds changes) until
/// pruned by a later change of the same document.
/// </summary>
/// <param name="Recent">The events raised in the last day (at most <see cref="OutboxStaging.MaxRecent"/>).</param>
/// <param name="Raised">The ids of every event raised so far (the newest <see cref="OutboxStaging.MaxRaised"/>): never raised twice.</param>
/// <param name="At">When the newest event was raised; the sender's sweep finds documents by it.</param>
public sealed record EventOutbox(IReadOnlyList<DomainEvent> Recent, IReadOnlyList<string> Raised, DateTimeOffset At);

/// <summary>A document that carries an outbox.</summary>
public interface IHasOutbox
{
    EventOutbox? Outbox { get; }
}

/// <summary>Finds the outboxes of a container that raised events since a time (the sender's sweep; a query across partitions).</summary>
public interface IOutboxScan
{
    /// <param name="limit">At most this many documents, oldest <see cref="EventOutbox.At"/> first.</param>
    Task<IReadOnlyList<EventOutbox>> RaisedSinceAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken);
}

/// <summary>
/// An event sent (id = the event's id; kept 7 days) or the sweep's cursor (id "cursor", kept). Container outbox,
/// partition key id.
/// </summary>
public sealed record OutboxMark(string Id, DateTimeOffset At, int? Ttl) : IExpiringDocument
{
    public const string CursorId = "cursor";
    public const int SentTtlSeconds = 7 * 24 * 3600;

    [JsonIgnore]
    public string PartitionKey => Id;
}

public interface IOutboxMarkStore : IDocumentStore<OutboxMark>;

/// <summary>The scan's meaning, for stores that hold their documents in memory.</summary>
public static class OutboxScans
{
    public static IReadOnlyList<EventOutbox> RaisedSince(IEnumerable<IHasOutbox> documents, DateTimeOffset since, int limit) =>
        documents.Select(d => d.Outbox).OfType<EventOutbox>().Where(o => o.At >= since).OrderBy(o => o.At).Take(limit).ToList();
}

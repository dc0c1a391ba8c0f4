namespace LiveShop.Core.Live;

/// <summary>
/// What the live layer keeps so that every app instance agrees (the live container, partitioned by stream, with time to
/// live): each stream's message sequence, the coalescing slots taken, viewer presences, the pin history and the sales
/// made from a stream.
/// </summary>
public interface ILiveStore
{
    /// <summary>The stream's next message sequence number (1, 2, 3...: one atomic increment).</summary>
    Task<long> NextSequenceAsync(string streamId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the right to send <paramref name="key"/>'s message of time slot <paramref name="slot"/>: true for exactly one
    /// caller across all instances (a conditional create that expires with <paramref name="ttlSeconds"/>).
    /// </summary>
    Task<bool> TryClaimSlotAsync(string streamId, string key, long slot, int ttlSeconds, CancellationToken cancellationToken);

    /// <summary>Records (or renews) a connection watching a stream; it expires unless renewed.</summary>
    Task UpsertPresenceAsync(ViewerPresence presence, CancellationToken cancellationToken);

    /// <summary>Forgets a connection; false when it was not recorded.</summary>
    Task<bool> RemovePresenceAsync(string streamId, string connectionId, CancellationToken cancellationToken);

    /// <summary>The connections of the stream not expired at <paramref name="now"/>.</summary>
    Task<long> CountViewersAsync(string streamId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Presences of any stream last checked before <paramref name="checkedBefore"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ViewerPresence>> StalePresencesAsync(DateTimeOffset checkedBefore, int limit, CancellationToken cancellationToken);

    /// <summary>Raises the stream's recorded peak of viewers to <paramref name="viewers"/> if higher; returns the peak.</summary>
    Task<long> RaisePeakAsync(string streamId, long viewers, CancellationToken cancellationToken);

    /// <summary>Records what a paid order bought from the stream, once per order (a repeat changes nothing).</summary>
    Task RecordSaleAsync(StreamSale sale, CancellationToken cancellationToken);

    /// <summary>The sums of the stream's recorded sales.</summary>
    Task<StreamSalesTotals> SalesTotalsAsync(string streamId, CancellationToken cancellationToken);

    /// <summary>Writes a pin history entry (the same entry again is harmless).</summary>
    Task SavePinEventAsync(string streamId, Streams.PinEvent pinEvent, CancellationToken cancellationToken);

    /// <summary>The stream's pin history, newest first, entries with a revision below <paramref name="before"/> (all when null).</summary>
    Task<IReadOnlyList<Streams.PinEvent>> PinEventsAsync(string streamId, long? before, int limit, CancellationToken cancellationToken);
}

/// <summary>A connection watching a stream, as the service's upstream events told it; checked at <see cref="CheckedAt"/>.</summary>
public sealed record ViewerPresence(string StreamId, string ConnectionId, string UserId, bool Host, DateTimeOffset CheckedAt, DateTimeOffset ExpiresAt);

/// <summary>What one paid order bought from one stream (GMV in minor units of <see cref="Currency"/>).</summary>
public sealed record StreamSale(string StreamId, string OrderId, long Units, long GmvMinorUnits, string Currency, DateTimeOffset PaidAt);

public sealed record StreamSalesTotals(long PaidOrders, long UnitsSold, long GmvMinorUnits);

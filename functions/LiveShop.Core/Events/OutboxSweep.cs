using LiveShop.Core.Storage;
using Microsoft.Extensions.Logging;

namespace LiveShop.Core.Events;

/// <summary>
/// Sends what the writers could not: every minute it reads the outboxes that raised events since its cursor (minus a
/// look-back for writes that landed after a later one), sends the events not marked sent, and moves the cursor up to
/// the oldest outbox still holding an unsent event. An event unsent for a day is given up (logged as an error).
/// </summary>
public sealed class OutboxSweep(IEnumerable<IOutboxScan> scans, OutboxPublisher publisher, IOutboxMarkStore marks, TimeProvider clock, ILogger<OutboxSweep> logger)
{
    public const int PageSize = 200;
    public static readonly TimeSpan LookBack = TimeSpan.FromMinutes(2);

    /// <returns>The events still unsent after this sweep.</returns>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var cursor = await marks.ReadAsync(OutboxMark.CursorId, OutboxMark.CursorId, ct);
        var since = (cursor?.Value.At ?? now - OutboxStaging.Keep) - LookBack;
        var next = now;
        var unsent = 0;
        foreach (var scan in scans)
        {
            var page = await scan.RaisedSinceAsync(since, PageSize, ct);
            if (page.Count == PageSize && page[^1].At < next)
            {
                next = page[^1].At; // the rest next time
            }

            foreach (var outbox in page)
            {
                var due = outbox.Recent.Where(e => e.Time <= now).ToList();
                var left = await publisher.SendAsync(due, checkSent: true, ct);
                var stale = left.Where(e => now - e.Time > OutboxStaging.Keep).ToList();
                foreach (var e in stale)
                {
                    logger.LogError("Domain event {Id} ({Type}) about {Subject} could not be sent for a day; given up.", e.Id, e.Type, e.Subject);
                }

                if (left.Count > stale.Count && outbox.At < next)
                {
                    next = outbox.At;
                }

                unsent += left.Count - stale.Count;
            }
        }

        await MoveCursorAsync(cursor, next, ct);
        return unsent;
    }

    private async Task MoveCursorAsync(Versioned<OutboxMark>? cursor, DateTimeOffset at, CancellationToken ct)
    {
        try
        {
            if (cursor is null)
            {
                await marks.CreateAsync(new OutboxMark(OutboxMark.CursorId, at, -1), ct);
            }
            else
            {
                await marks.ReplaceAsync(cursor.Value with { At = at }, cursor.ETag, ct);
            }
        }
        catch (Exception e) when (e is ConcurrencyConflictException or DuplicateDocumentException)
        {
            // Another instance swept at the same time and moved it; the next sweep reads theirs.
        }
    }
}

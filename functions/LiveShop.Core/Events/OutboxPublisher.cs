using LiveShop.Core.Orders;
using LiveShop.Core.Storage;
using Microsoft.Extensions.Logging;

namespace LiveShop.Core.Events;

/// <summary>
/// Sends outbox events through <see cref="IDomainEvents"/> (Event Grid) and marks each one sent. Called right after the
/// state change is stored (its events are already in the document, so a failure here loses nothing: the sweep sends
/// them later) and by the sweep. Never throws for a failed send: it reports which events are still unsent.
/// </summary>
public sealed class OutboxPublisher(IDomainEvents publisher, IOutboxMarkStore marks, TimeProvider clock, ILogger<OutboxPublisher> logger)
{
    /// <param name="checkSent">Skip events already marked sent (the sweep; right after the write they cannot be).</param>
    /// <returns>The events not sent.</returns>
    public async Task<IReadOnlyList<DomainEvent>> SendAsync(IReadOnlyList<DomainEvent> events, bool checkSent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        var unsent = new List<DomainEvent>();
        foreach (var e in events)
        {
            try
            {
                if (checkSent && await marks.ReadAsync(e.Id, e.Id, ct) is not null)
                {
                    continue;
                }

                await publisher.PublishAsync(e, ct);
                await MarkAsync(e, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Domain event {Id} ({Type}) not sent yet; the outbox sweep sends it later.", e.Id, e.Type);
                unsent.Add(e);
            }
        }

        return unsent;
    }

    private async Task MarkAsync(DomainEvent e, CancellationToken ct)
    {
        try
        {
            await marks.CreateAsync(new OutboxMark(e.Id, clock.GetUtcNow(), OutboxMark.SentTtlSeconds), ct);
        }
        catch (DuplicateDocumentException)
        {
            // Sent twice (a sweep and the writer raced): at least once is the contract, consumers deduplicate by id.
        }
    }
}

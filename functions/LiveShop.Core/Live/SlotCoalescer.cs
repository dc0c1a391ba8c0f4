using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LiveShop.Core.Live;

/// <summary>
/// Coalesces high-rate updates across every app instance: time is cut into slots of one window each (500 ms: at most 2
/// messages a second; 2 s: at most one), and a key's message of a slot is sent by the one caller that claims the slot in
/// the live store. A send reads the state when it runs, so the latest value wins. An update in a slot whose message was
/// already sent (here, or by another instance: the claim was lost) is sent at the start of the next slot, by whoever
/// claims it then, which reads after the update; so nothing is swallowed (a sold-out always reaches the viewers), and
/// the service receives at most one message per key and slot however many purchases happen.
/// </summary>
/// <remarks>
/// Instances' clocks agree to well within <see cref="SkewMargin"/> (NTP-synchronised hosts): a next-slot send waits that
/// long past the slot's start, so the instance that claims the slot reads after any update of the slot before.
/// </remarks>
public sealed class SlotCoalescer(ILiveStore store, TimeProvider clock, ILogger<SlotCoalescer> logger)
{
    /// <summary>How long after a slot's start a deferred send runs.</summary>
    public static readonly TimeSpan SkewMargin = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a slot's claim is kept (past any slot's end).</summary>
    public const int ClaimTtlSeconds = 60;

    /// <summary>Past this many keys remembered, touching prunes those whose last slot is over (the claims still hold).</summary>
    public const int EntriesKept = 10_000;

    private readonly ConcurrentDictionary<(string Stream, string Key), Entry> _entries = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>
    /// Something behind <paramref name="key"/> of the stream changed: its message is sent now if this slot's is not sent
    /// yet, else at the next slot. <paramref name="send"/> builds and sends the message from the state as it is then.
    /// </summary>
    public void Touch(string streamId, string key, TimeSpan window, Func<CancellationToken, Task> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        var slot = SlotOf(clock.GetUtcNow(), window);
        if (_entries.Count > EntriesKept)
        {
            Prune(slot);
        }

        var entry = _entries.GetOrAdd((streamId, key), _ => new Entry());
        lock (entry)
        {
            if (entry.Deferred)
            {
                return;
            }

            if (entry.AttemptedSlot < slot)
            {
                entry.AttemptedSlot = slot;
                Track(AttemptAsync(streamId, key, slot, window, send, deferOnLoss: true));
                return;
            }

            entry.Deferred = true;
        }

        Track(DeferAsync(streamId, key, slot + 1, window, send));
    }

    /// <summary>
    /// Sends <paramref name="key"/>'s message now, whatever the slot (a change that must always be sent: a sale's start or
    /// end), and takes the slot if it is free, so a coalesced update of the same slot waits for the next one.
    /// </summary>
    public async Task SendNowAsync(string streamId, string key, TimeSpan window, Func<CancellationToken, Task> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        var slot = SlotOf(clock.GetUtcNow(), window);
        var entry = _entries.GetOrAdd((streamId, key), _ => new Entry());
        lock (entry)
        {
            entry.AttemptedSlot = Math.Max(entry.AttemptedSlot, slot);
        }

        await store.TryClaimSlotAsync(streamId, key, slot, ClaimTtlSeconds, CancellationToken.None);
        await send(CancellationToken.None);
    }

    /// <summary>Completes once every send started so far has finished, deferred ones included (so only once their slot came).</summary>
    public async Task IdleAsync()
    {
        while (!_running.IsEmpty)
        {
            await Task.WhenAll(_running.Keys);
        }
    }

    public static long SlotOf(DateTimeOffset time, TimeSpan window) => time.UtcTicks / window.Ticks;

    /// <summary>How many keys this instance remembers (for tests).</summary>
    internal int EntryCount => _entries.Count;

    /// <summary>
    /// Forgets keys with nothing deferred whose last attempt was before <paramref name="slot"/>: a touch of a forgotten key
    /// attempts its slot again, and the live store's claim still allows one send per slot.
    /// </summary>
    private void Prune(long slot)
    {
        foreach (var (key, entry) in _entries)
        {
            lock (entry)
            {
                if (!entry.Deferred && entry.AttemptedSlot < slot)
                {
                    _entries.TryRemove(KeyValuePair.Create(key, entry));
                }
            }
        }
    }

    private async Task AttemptAsync(string streamId, string key, long slot, TimeSpan window, Func<CancellationToken, Task> send, bool deferOnLoss)
    {
        try
        {
            if (await store.TryClaimSlotAsync(streamId, key, slot, ClaimTtlSeconds, CancellationToken.None))
            {
                await send(CancellationToken.None);
                return;
            }
        }
#pragma warning disable CA1031 // A failed live update is logged: the next one carries the full state.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogWarning(e, "Live update {Key} of stream {StreamId} failed", key, streamId);
            return;
        }

        // Another instance sent this slot's message, perhaps before this update: the next slot's sender reads after it.
        if (deferOnLoss)
        {
            var entry = _entries.GetOrAdd((streamId, key), _ => new Entry());
            lock (entry)
            {
                if (entry.Deferred)
                {
                    return;
                }

                entry.Deferred = true;
            }

            await DeferAsync(streamId, key, slot + 1, window, send);
        }
    }

    private async Task DeferAsync(string streamId, string key, long slot, TimeSpan window, Func<CancellationToken, Task> send)
    {
        var due = new DateTimeOffset(slot * window.Ticks, TimeSpan.Zero) + SkewMargin - clock.GetUtcNow();
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due, clock);
        }

        var entry = _entries.GetOrAdd((streamId, key), _ => new Entry());
        lock (entry)
        {
            entry.Deferred = false;
            entry.AttemptedSlot = Math.Max(entry.AttemptedSlot, slot);
        }

        // Losing this claim is fine: its winner claimed after this slot began, so it reads after the update.
        await AttemptAsync(streamId, key, slot, window, send, deferOnLoss: false);
        lock (entry)
        {
            if (!entry.Deferred && entry.AttemptedSlot == slot)
            {
                _entries.TryRemove(KeyValuePair.Create((streamId, key), entry));
            }
        }
    }

    private void Track(Task task)
    {
        _running.TryAdd(task, 0);
        task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private sealed class Entry
    {
        public long AttemptedSlot { get; set; } = long.MinValue;

        public bool Deferred { get; set; }
    }
}

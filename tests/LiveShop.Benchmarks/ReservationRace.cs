using System.Diagnostics;
using LiveShop.Azure.Cosmos;

namespace LiveShop.Benchmarks;

/// <summary>What one reservation race measured, and the stock as stored after it.</summary>
public sealed record ReservationRaceResult(
    string Strategy,
    long Units,
    int Buyers,
    long Confirmed,
    long FailedCommits,
    TimeSpan Elapsed,
    Latencies Reserve,
    Latencies Commit,
    long Conflicts,
    int CosmosRequests,
    StoredStock Stored)
{
    /// <summary>Units sold per second: reservations made and committed, over the race's wall time.</summary>
    public double PerSecond => Confirmed / Elapsed.TotalSeconds;

    /// <summary>Units sold beyond the stock: by the documents' own count, by what buyers were told, and below zero in any document.</summary>
    public long Oversold => Math.Max(0, Math.Max(Stored.Sold, Confirmed) - Units) + Stored.Negative;

    /// <summary>Whether the documents agree with the buyers: every unit sold exactly once, none held, the totals balanced.</summary>
    public bool Consistent => Stored.Sold == Confirmed && Stored.Reserved == 0 && Stored.Balanced && Stored.OnHand == Units && FailedCommits == 0;
}

/// <summary>
/// <see cref="FlashSaleOptions.Buyers"/> concurrent buyers on one SKU: each reserves 1 unit and commits it, then again,
/// until a reservation is refused as sold out. Every buyer starts at the same moment.
/// </summary>
public static class ReservationRace
{
    public static async Task<ReservationRaceResult> RunAsync(
        IReservationStrategy strategy, long units, int buyers, string runId, CosmosRequestCounter requests, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(requests);
        await strategy.PrepareAsync(ct);
        var conflictsBefore = strategy.Conflicts;
        var reserve = new Latencies();
        var commit = new Latencies();
        long confirmed = 0;
        long failedCommits = 0;
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task BuyerAsync(int buyer)
        {
            await go.Task;
            for (var n = 0; ; n++)
            {
                var checkoutId = $"{runId}-{buyer}-{n}";
                var started = Stopwatch.GetTimestamp();
                if (!await strategy.ReserveAsync(checkoutId, ct))
                {
                    return;
                }

                reserve.AddSince(started);
                var committing = Stopwatch.GetTimestamp();
                if (await strategy.CommitAsync(checkoutId, ct))
                {
                    Interlocked.Increment(ref confirmed);
                }
                else
                {
                    Interlocked.Increment(ref failedCommits);
                }

                commit.AddSince(committing);
            }
        }

        var tasks = Enumerable.Range(0, buyers).Select(BuyerAsync).ToList();
        requests.Reset();
        var start = Stopwatch.GetTimestamp();
        go.SetResult();
        await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var count = requests.Reset().Count;
        var stored = await strategy.ReadStoredAsync(ct);
        return new ReservationRaceResult(
            strategy.Name, units, buyers, confirmed, failedCommits, elapsed, reserve, commit, strategy.Conflicts - conflictsBefore, count, stored);
    }
}

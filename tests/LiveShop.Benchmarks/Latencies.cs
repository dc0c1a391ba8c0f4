using System.Collections.Concurrent;
using System.Diagnostics;

namespace LiveShop.Benchmarks;

/// <summary>Durations recorded from many tasks at once, summarised as percentiles (nearest rank).</summary>
public sealed class Latencies
{
    private readonly ConcurrentQueue<double> _milliseconds = new();

    public int Count => _milliseconds.Count;

    public void Add(TimeSpan elapsed) => _milliseconds.Enqueue(elapsed.TotalMilliseconds);

    /// <summary>Records the time since <paramref name="startTimestamp"/> (from <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void AddSince(long startTimestamp) => Add(Stopwatch.GetElapsedTime(startTimestamp));

    /// <summary>The <paramref name="percentile"/> (0-100) in milliseconds; NaN when nothing was recorded.</summary>
    public double Percentile(double percentile)
    {
        var sorted = _milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

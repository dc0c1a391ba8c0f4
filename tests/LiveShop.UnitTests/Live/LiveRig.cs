using LiveShop.Core.Live;
using LiveShop.UnitTests.Builders;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveShop.UnitTests.Live;

/// <summary>A notifier over a <see cref="Shop"/>'s stores and clock, sending to a recording service.</summary>
public sealed class LiveRig
{
    public LiveRig(Shop? shop = null)
    {
        Shop = shop ?? new Shop();
        Coalescer = NewCoalescer();
        Notifier = NewNotifier(Coalescer);
    }

    public Shop Shop { get; }

    public RecordingBroadcaster Service { get; } = new();

    public SlotCoalescer Coalescer { get; }

    public LiveNotifier Notifier { get; }

    /// <summary>Another app instance's coalescer: the same live store and clock, its own memory.</summary>
    public SlotCoalescer NewCoalescer() => new(Shop.LiveStore, Shop.Clock, NullLogger<SlotCoalescer>.Instance);

    public LiveNotifier NewNotifier(SlotCoalescer coalescer) =>
        new(Service, Shop.LiveStore, coalescer, Shop.ProductStore, Shop.StreamStore, Shop.Stock, Shop.Clock, NullLogger<LiveNotifier>.Instance);

    /// <summary>Moves the clock past the next slot's start (plus the skew margin) and lets the deferred sends run.</summary>
    public async Task NextSlotAsync(TimeSpan window, params SlotCoalescer[] coalescers)
    {
        var now = Shop.Clock.GetUtcNow();
        var next = new DateTimeOffset((SlotCoalescer.SlotOf(now, window) + 1) * window.Ticks, TimeSpan.Zero);
        Shop.Clock.Advance(next - now + SlotCoalescer.SkewMargin);
        foreach (var coalescer in coalescers.Length == 0 ? [Coalescer] : coalescers)
        {
            await coalescer.IdleAsync();
        }
    }
}

using LiveShop.Core.Catalog;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage.InMemory;
using LiveShop.UnitTests.Builders;
using Microsoft.Extensions.Time.Testing;

namespace LiveShop.UnitTests.Stock;

/// <summary>The ledger's in-memory snapshot of a SKU's shards: a hint that saves reads, never a source of wrong answers.</summary>
public sealed class StockSnapshotTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryStockStore _inner = new();

    [Fact]
    public async Task ReserveAsync_SoldOutSkuWithAFreshSnapshot_IsRefusedAfterOneReadWithoutWriting()
    {
        var store = new LatentStockStore(_inner, yields: false);
        var ledger = new StockLedger(store, _clock, TimeSpan.FromHours(1));
        var product = Records.NewProduct(stockOnHand: 2);
        Assert.Equal(ReservationOutcome.Reserved, (await Reserve(ledger, product, "c1", 2)).Outcome);
        var (reads, writes) = (store.Reads, store.Writes);

        var refused = await Reserve(ledger, product, "c2", 1);

        Assert.Equal(ReservationOutcome.OutOfStock, refused.Outcome);
        Assert.Equal((reads + 1, writes), (store.Reads, store.Writes));
    }

    [Fact]
    public async Task ReserveAsync_UnitsGivenBackOnAnotherInstance_AreNotRefusedFromTheSnapshot()
    {
        // This instance saw the SKU sold out a moment ago; another one (the sweep, a failed checkout) released the hold.
        var store = new LatentStockStore(_inner, yields: false);
        var ledger = new StockLedger(store, _clock, TimeSpan.FromHours(1));
        var other = new StockLedger(_inner, _clock, TimeSpan.Zero);
        var product = Records.NewProduct(stockOnHand: 1);
        Assert.Equal(ReservationOutcome.Reserved, (await Reserve(ledger, product, "slow", 1)).Outcome);
        Assert.Equal(ReservationOutcome.OutOfStock, (await Reserve(ledger, product, "early", 1)).Outcome);
        await other.ReleaseAsync(SkuRef.Of(product, product.Sku()), StockLedger.HoldIdFor("slow", 0), None);

        var late = await Reserve(ledger, product, "late", 1);

        Assert.Equal(ReservationOutcome.Reserved, late.Outcome);
        var level = (await ledger.LevelsAsync([(product, product.Sku())], None))[SkuRef.Of(product, product.Sku())];
        Assert.Equal((0L, 1L), (level.Available, level.Reserved));
    }

    [Fact]
    public async Task ReserveAsync_SnapshotOlderThanAnotherInstancesWrites_NeverOversells()
    {
        // Two ledgers over one store, as two app instances: each trusts its snapshot for an hour.
        var first = new StockLedger(_inner, _clock, TimeSpan.FromHours(1));
        var second = new StockLedger(_inner, _clock, TimeSpan.FromHours(1));
        var product = Records.NewProduct(stockOnHand: 3);
        await Reserve(first, product, "warm-first", 1);
        await Reserve(second, product, "warm-second", 1);

        var outcomes = new[]
        {
            (await Reserve(first, product, "a", 1)).Outcome,
            (await Reserve(second, product, "b", 1)).Outcome,
            (await Reserve(first, product, "c", 1)).Outcome,
        };

        Assert.Equal(1, outcomes.Count(o => o == ReservationOutcome.Reserved));
        var level = (await first.LevelsAsync([(product, product.Sku())], None))[SkuRef.Of(product, product.Sku())];
        Assert.Equal((0L, 3L), (level.Available, level.Reserved));
    }

    [Fact]
    public async Task ReserveAsync_RepeatedWithAStaleSnapshot_ReservesNothingMore()
    {
        var ledger = new StockLedger(_inner, _clock, TimeSpan.FromHours(1));
        var product = Records.NewProduct(stockOnHand: 50);
        var other = new StockLedger(_inner, _clock, TimeSpan.Zero);
        await Reserve(ledger, product, "warm", 1);

        // The first run of the step happened elsewhere (a retried activity on another instance).
        var firstRun = await Reserve(other, product, "c1", 30);
        var repeat = await Reserve(ledger, product, "c1", 30);

        Assert.Equal(firstRun.Held.Sum(h => h.Quantity), repeat.Held.Sum(h => h.Quantity));
        var level = (await ledger.LevelsAsync([(product, product.Sku())], None))[SkuRef.Of(product, product.Sku())];
        Assert.Equal((19L, 31L), (level.Available, level.Reserved));
    }

    [Fact]
    public async Task ReserveAsync_SnapshotOlderThanItsLifetime_ReadsTheShardsAgain()
    {
        var store = new LatentStockStore(_inner, yields: false);
        var ledger = new StockLedger(store, _clock, TimeSpan.FromSeconds(1));
        var product = Records.NewProduct(stockOnHand: 50);
        await Reserve(ledger, product, "warm", 1);
        var reads = new List<int> { store.Reads };

        foreach (var (wait, checkoutId) in new[] { (TimeSpan.FromMilliseconds(999), "fresh"), (TimeSpan.FromMilliseconds(1), "expired"), (TimeSpan.Zero, "read-again") })
        {
            _clock.Advance(wait);
            Assert.Equal(ReservationOutcome.Reserved, (await Reserve(ledger, product, checkoutId, 1)).Outcome);
            reads.Add(store.Reads);
        }

        // Within the lifetime: no read; at its end: one read, which starts a new lifetime.
        Assert.Equal([0, 1, 0], reads.Zip(reads.Skip(1), (before, after) => after - before));
    }

    [Fact]
    public async Task ReserveAsync_SnapshotsOfMoreSkusThanAreKept_DropsThoseOlderThanTheLifetimeOnly()
    {
        var ledger = new StockLedger(_inner, _clock, TimeSpan.FromSeconds(1));
        for (var i = 0; i < StockLedger.SnapshotsKept; i++)
        {
            await Reserve(ledger, Records.NewProduct(stockOnHand: 1, id: $"prd_old{i}"), "c1", 1);
        }

        await Reserve(ledger, Records.NewProduct(stockOnHand: 1, id: "prd_fresh"), "c1", 1);
        var allFresh = ledger.SnapshotCount;
        _clock.Advance(TimeSpan.FromSeconds(1));
        await Reserve(ledger, Records.NewProduct(stockOnHand: 1, id: "prd_late"), "c1", 1);

        Assert.Equal((StockLedger.SnapshotsKept + 1, 1), (allFresh, ledger.SnapshotCount));
    }

    [Fact]
    public async Task ReserveAsync_ZeroLifetime_KeepsNoSnapshot()
    {
        var ledger = new StockLedger(_inner, _clock, TimeSpan.Zero);

        await Reserve(ledger, Records.NewProduct(stockOnHand: 5), "c1", 1);

        Assert.Equal(0, ledger.SnapshotCount);
    }

    [Fact]
    public async Task ReserveAsync_PartOfTheLineHeldThenRefused_GivesItBackWithoutReadingTheShardsAgain()
    {
        var store = new LatentStockStore(_inner, yields: false);
        var ledger = new StockLedger(store, _clock, TimeSpan.FromHours(1));
        var product = Records.NewProduct(stockOnHand: 50);
        Assert.Equal(ReservationOutcome.Reserved, (await Reserve(ledger, product, "warm", 20)).Outcome);
        var reads = store.Reads;

        var refused = await Reserve(ledger, product, "big", 31);
        var readsToRefuse = store.Reads - reads;
        var repeated = await Reserve(ledger, product, "big", 31);

        // The one read is the check that the snapshot missed no units given back; the release knows where the holds are.
        Assert.Equal((ReservationOutcome.OutOfStock, ReservationOutcome.OutOfStock, 1), (refused.Outcome, repeated.Outcome, readsToRefuse));
        var shards = await _inner.ReadAsync([StockShard.IdOf(product.Id, "sku-1", 0), StockShard.IdOf(product.Id, "sku-1", 1)], None);
        Assert.Equal(2, shards.Count(s => s.Holds.TryGetValue(StockLedger.HoldIdFor("big", 0), out var h) && h.Outcome == StockHold.Released));
        var level = (await ledger.LevelsAsync([(product, product.Sku())], None))[SkuRef.Of(product, product.Sku())];
        Assert.Equal((30L, 20L), (level.Available, level.Reserved));
    }

    private Task<LineReservation> Reserve(StockLedger ledger, Product product, string checkoutId, long quantity) =>
        ledger.ReserveAsync(product, product.Sku(), StockLedger.HoldIdFor(checkoutId, 0), quantity, null, _clock.GetUtcNow().AddMinutes(15), None);
}

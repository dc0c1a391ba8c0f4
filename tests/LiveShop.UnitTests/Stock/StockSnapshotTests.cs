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
        var store = new ReadCountingStore(_inner);
        var ledger = new StockLedger(store, _clock, TimeSpan.FromHours(1));
        var product = Records.NewProduct(stockOnHand: 2);
        Assert.Equal(ReservationOutcome.Reserved, (await Reserve(ledger, product, "c1", 2)).Outcome);
        var (reads, writes) = (store.Reads, store.Latent.Writes);

        var refused = await Reserve(ledger, product, "c2", 1);

        Assert.Equal(ReservationOutcome.OutOfStock, refused.Outcome);
        Assert.Equal((reads + 1, writes), (store.Reads, store.Latent.Writes));
    }

    [Fact]
    public async Task ReserveAsync_UnitsGivenBackOnAnotherInstance_AreNotRefusedFromTheSnapshot()
    {
        // This instance saw the SKU sold out a moment ago; another one (the sweep, a failed checkout) released the hold.
        var store = new ReadCountingStore(_inner);
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

    private Task<LineReservation> Reserve(StockLedger ledger, Product product, string checkoutId, long quantity) =>
        ledger.ReserveAsync(product, product.Sku(), StockLedger.HoldIdFor(checkoutId, 0), quantity, null, _clock.GetUtcNow().AddMinutes(15), None);

    /// <summary>Counts reads too (the latent store counts writes).</summary>
    private sealed class ReadCountingStore(IStockStore inner) : IStockStore
    {
        private int _reads;

        public LatentStockStore Latent { get; } = new(inner, yields: false);

        public int Reads => Volatile.Read(ref _reads);

        public Task<IReadOnlyList<StockShard>> ReadAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            return Latent.ReadAsync(ids, cancellationToken);
        }

        public Task<bool> TryCreateAsync(StockShard shard, CancellationToken cancellationToken) => Latent.TryCreateAsync(shard, cancellationToken);

        public Task<StockShard?> TryApplyAsync(string shardId, StockChange change, CancellationToken cancellationToken) =>
            Latent.TryApplyAsync(shardId, change, cancellationToken);

        public Task<IReadOnlyList<StockShard>> ListWithHoldsAsync(CancellationToken cancellationToken) => Latent.ListWithHoldsAsync(cancellationToken);
    }
}

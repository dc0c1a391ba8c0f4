using LiveShop.Core.Stock;
using LiveShop.UnitTests.Builders;

namespace LiveShop.UnitTests.Stock;

/// <summary>Buyers racing for the same SKU: every change is one conditional write to one shard, so no unit is sold twice.</summary>
public class StockLedgerConcurrencyTests
{
    private const int Buyers = 200;
    private const long Units = 50;
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task ReserveAsync_200BuyersOfOneUnitFor50Units_Exactly50Reserved()
    {
        var shop = new Shop();

        await RaceForTheLastUnitsAndAssertNoneOversoldAsync(shop);
    }

    [Fact]
    public async Task ReserveAsync_200BuyersOfOneUnitFor50UnitsOverALatentStore_Exactly50Reserved()
    {
        // The gate holds every buyer's first change until all have chosen shards, so all 200 try for the 50 units.
        LatentStockStore? latent = null;
        var shop = new Shop(wrapStock: inner => latent = new LatentStockStore(inner, changes: new RaceGate(Buyers)));

        await RaceForTheLastUnitsAndAssertNoneOversoldAsync(shop);

        Assert.True(latent!.Refused >= Buyers - Units, $"At least {Buyers - Units} changes find their shard emptied; {latent.Refused} did.");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReserveAsync_200BuyersOfASaleOf10Units_Exactly10FromTheSaleAndTheRestSaleSoldOut(bool latent)
    {
        var shop = latent ? new Shop(wrapStock: inner => new LatentStockStore(inner)) : new Shop();
        var (product, sale) = StockLedgerTests.OnSale(shop, stockOnHand: Units, allotment: 10);

        var outcomes = await Race.RunAsync(Enumerable.Range(0, Buyers), i =>
            StockLedgerTests.ReserveAsync(shop, product, $"chk_{i}", 1, sale));

        Assert.Equal(10, outcomes.Count(o => o == ReservationOutcome.Reserved));
        Assert.Equal(Buyers - 10, outcomes.Count(o => o == ReservationOutcome.SaleSoldOut));
        var shards = await StockLedgerTests.ShardsAsync(shop, product);
        Assert.All(shards, s => Assert.Equal(sale.Id, s.Sale));
        Assert.All(shards, s => Assert.True(s.SaleLeft >= 0, $"Shard {s.Index} has {s.SaleLeft} sale units left."));
        Assert.Equal(0, shards.Sum(s => s.SaleLeft));
        Assert.Equal(10, shards.Sum(s => s.Reserved));
        Assert.Equal(0, (await StockLedgerTests.LevelAsync(shop, product)).UnitsLeftIn(sale));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReserveAsync_BuyersOfThreeUnitsRacingOverSeveralShards_EachLineHeldWhollyOrNotAtAll(bool latent)
    {
        var shop = latent ? new Shop(wrapStock: inner => new LatentStockStore(inner)) : new Shop();
        var product = Records.NewProduct(stockOnHand: Units);

        var outcomes = await Race.RunAsync(Enumerable.Range(0, 40), async i =>
        {
            var hold = StockLedger.HoldIdFor($"chk_{i}", 0);
            return (Hold: hold, Outcome: (await shop.Stock.ReserveAsync(product, product.Sku(), hold, 3, null, Expiry(shop), None)).Outcome);
        });

        var shards = await StockLedgerTests.ShardsAsync(shop, product);
        var held = shards.SelectMany(s => s.Holds).Where(h => h.Value.Outcome is null)
            .GroupBy(h => h.Key).ToDictionary(g => g.Key, g => g.Sum(h => h.Value.Quantity));
        var reserved = outcomes.Where(o => o.Outcome == ReservationOutcome.Reserved).Select(o => o.Hold).ToList();
        Assert.NotEmpty(reserved);
        Assert.Equal(reserved.Order(StringComparer.Ordinal), held.Keys.Order(StringComparer.Ordinal));
        Assert.All(held.Values, q => Assert.Equal(3, q));
        Assert.Equal(3 * reserved.Count, shards.Sum(s => s.Reserved));
        Assert.All(shards, s => Assert.True(s.Available >= 0, $"Shard {s.Index} has {s.Available} available."));
        Assert.All(shards, s => Assert.Equal(s.OnHand, s.Available + s.Reserved + s.Sold));
    }

    [Theory]
    [InlineData(200, 60, true)]
    [InlineData(200, 60, false)]
    [InlineData(60, 200, true)]
    [InlineData(60, 200, false)]
    public async Task ReserveAsync_FirstUseBySomeoneWithAnotherCopyOfTheProductInBetween_ShardsSplitTheDeclaredTotalOnce(
        long pausedStock, long otherStock, bool pausedCopyIsNewer)
    {
        // Two buyers reserve a new SKU at once, each with its own copy of the product (declared units differ, so the
        // shard count does too): the first one's read finds no shard, then the other creates them before it writes.
        FirstReadPausedStockStore? paused = null;
        var shop = new Shop(wrapStock: inner => paused = new FirstReadPausedStockStore(inner));
        var older = Records.NewProduct(stockOnHand: pausedCopyIsNewer ? otherStock : pausedStock);
        var newer = older.WithStock(pausedCopyIsNewer ? pausedStock : otherStock);
        var (pausedCopy, otherCopy) = pausedCopyIsNewer ? (newer, older) : (older, newer);
        var first = Task.Run(() => StockLedgerTests.ReserveAsync(shop, pausedCopy, "paused", 1));
        await paused!.Paused;
        var other = await StockLedgerTests.ReserveAsync(shop, otherCopy, "other", 1);
        paused.Resume();
        var late = await first;

        Assert.Equal((ReservationOutcome.Reserved, ReservationOutcome.Reserved), (other, late));
        var declared = newer.Sku().StockOnHand;
        var shards = await StockLedgerTests.ShardsAsync(shop, newer);
        Assert.Equal(Enumerable.Range(0, shards.Count), shards.Select(s => s.Index));
        Assert.All(shards, s => Assert.Equal((shards.Count, declared), (s.Count, s.Basis)));
        Assert.Equal(declared, shards.Sum(s => s.OnHand));
        Assert.Equal((declared - 2, 2L), ((await StockLedgerTests.LevelAsync(shop, newer)).Available, shards.Sum(s => s.Reserved)));
    }

    private static async Task RaceForTheLastUnitsAndAssertNoneOversoldAsync(Shop shop)
    {
        var product = Records.NewProduct(stockOnHand: Units);

        var outcomes = await Race.RunAsync(Enumerable.Range(0, Buyers), i =>
            StockLedgerTests.ReserveAsync(shop, product, $"chk_{i}", 1));

        Assert.Equal(Units, outcomes.Count(o => o == ReservationOutcome.Reserved));
        Assert.Equal(Buyers - Units, outcomes.Count(o => o == ReservationOutcome.OutOfStock));
        var shards = await StockLedgerTests.ShardsAsync(shop, product);
        Assert.Equal(StockLedger.ShardCountFor(Units), shards.Count);
        Assert.Equal(Units, shards.Sum(s => s.Reserved));
        Assert.All(shards, s => Assert.True(s.Available >= 0, $"Shard {s.Index} has {s.Available} available."));
        Assert.All(shards, s => Assert.Equal(s.Reserved, s.Holds.Values.Where(h => h.Outcome is null).Sum(h => h.Quantity)));
        var level = await StockLedgerTests.LevelAsync(shop, product);
        Assert.Equal((0L, Units), (level.Available, level.Reserved));
    }

    private static DateTimeOffset Expiry(Shop shop) => shop.Clock.GetUtcNow().AddMinutes(10);

    /// <summary>Answers the first read only once <see cref="Resume"/> is called (a buyer overtaken between its read and its writes).</summary>
    private sealed class FirstReadPausedStockStore(IStockStore inner) : IStockStore
    {
        private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _reads;

        /// <summary>Completes once the first read has been made (its answer is held back).</summary>
        public Task Paused => _paused.Task;

        public void Resume() => _resume.SetResult();

        public async Task<IReadOnlyList<StockShard>> ReadAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
        {
            var read = await inner.ReadAsync(ids, cancellationToken);
            if (Interlocked.Increment(ref _reads) == 1)
            {
                _paused.SetResult();
                await _resume.Task;
            }

            return read;
        }

        public Task<bool> TryCreateAsync(StockShard shard, CancellationToken cancellationToken) => inner.TryCreateAsync(shard, cancellationToken);

        public Task<StockShard?> TryApplyAsync(string shardId, StockChange change, CancellationToken cancellationToken) =>
            inner.TryApplyAsync(shardId, change, cancellationToken);

        public Task<IReadOnlyList<StockShard>> ListWithHoldsAsync(CancellationToken cancellationToken) => inner.ListWithHoldsAsync(cancellationToken);
    }
}

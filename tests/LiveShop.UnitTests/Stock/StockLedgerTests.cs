using LiveShop.Core.Catalog;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.UnitTests.Builders;

namespace LiveShop.UnitTests.Stock;

/// <summary>The stock ledger over the in-memory stock store, with SKUs made by hand.</summary>
public class StockLedgerTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan HoldTime = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task ReserveAsync_FirstUse_CreatesShardsSplittingTheDeclaredStock()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 60);

        await ReserveAsync(shop, product, "c1", 1);

        var shards = await ShardsAsync(shop, product);
        Assert.Equal([0, 1, 2], shards.Select(s => s.Index));
        Assert.All(shards, s => Assert.Equal((3, 60L, 20L), (s.Count, s.Basis, s.OnHand)));
        Assert.All(shards, s => Assert.Equal(s.OnHand, s.Available + s.Reserved + s.Sold));
        Assert.Equal(59, shards.Sum(s => s.Available));
    }

    [Fact]
    public async Task ReserveAsync_LedgerOfOneShardPerSku_KeepsTheWholeStockInOneDocument()
    {
        var shop = new Shop();
        var ledger = new StockLedger(shop.StockStore, shop.Clock, StockLedger.SnapshotLifetime, maxShards: 1);
        var product = Records.NewProduct(stockOnHand: 200);

        await ledger.ReserveAsync(product, product.Sku(), StockLedger.HoldIdFor("c1", 0), 3, null, shop.Clock.GetUtcNow() + HoldTime, None);

        var shard = Assert.Single(await ShardsAsync(shop, product));
        Assert.Equal((1, 200L, 197L, 3L), (shard.Count, shard.OnHand, shard.Available, shard.Reserved));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(StockLedger.MaxShards + 1)]
    public void Constructor_ShardsPerSkuOutOfRange_Refused(int maxShards)
    {
        var shop = new Shop();

        Assert.Throws<ArgumentOutOfRangeException>(() => new StockLedger(shop.StockStore, shop.Clock, StockLedger.SnapshotLifetime, maxShards));
    }

    [Fact]
    public async Task ReserveAsync_FewUnits_UsesOneShard()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 5);

        await ReserveAsync(shop, product, "c1", 2);

        var shard = Assert.Single(await ShardsAsync(shop, product));
        Assert.Equal((1, 5L, 3L, 2L), (shard.Count, shard.OnHand, shard.Available, shard.Reserved));
    }

    [Fact]
    public async Task ReserveAsync_NoDeclaredStock_OutOfStockFromOneShard()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 0);

        var outcome = await ReserveAsync(shop, product, "c1", 1);

        Assert.Equal(ReservationOutcome.OutOfStock, outcome);
        Assert.Equal(0, Assert.Single(await ShardsAsync(shop, product)).Available);
    }

    [Fact]
    public async Task ReserveAsync_MoreThanOneShardHas_TakesTheLineFromSeveralShards()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        var hold = StockLedger.HoldIdFor("c1", 0);

        var outcome = (await shop.Stock.ReserveAsync(product, product.Sku(), hold, 30, null, Expiry(shop), None)).Outcome;

        Assert.Equal(ReservationOutcome.Reserved, outcome);
        var shards = await ShardsAsync(shop, product);
        Assert.All(shards, s => Assert.True(s.Holds.ContainsKey(hold)));
        Assert.Equal(30, shards.Sum(s => s.Holds[hold].Quantity));
        Assert.Equal(30, shards.Sum(s => s.Reserved));
        Assert.Equal(20, (await LevelAsync(shop, product)).Available);
    }

    [Fact]
    public async Task ReserveAsync_MoreThanTheSkuHas_ReservesNothing()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);

        var outcome = await ReserveAsync(shop, product, "c1", 51);

        Assert.Equal(ReservationOutcome.OutOfStock, outcome);
        var shards = await ShardsAsync(shop, product);
        Assert.All(shards, s => Assert.Equal((25L, 0L), (s.Available, s.Reserved)));
        Assert.All(shards.SelectMany(s => s.Holds.Values), h => Assert.Equal(StockHold.Released, h.Outcome));
        Assert.Equal(50, (await LevelAsync(shop, product)).Available);
    }

    [Fact]
    public async Task ReserveAsync_SameHoldIdAgain_ReservesNothingMore()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);

        var first = await ReserveAsync(shop, product, "c1", 30);
        var second = await ReserveAsync(shop, product, "c1", 30);

        Assert.Equal((ReservationOutcome.Reserved, ReservationOutcome.Reserved), (first, second));
        var level = await LevelAsync(shop, product);
        Assert.Equal((20L, 30L), (level.Available, level.Reserved));
    }

    [Fact]
    public async Task ReserveAsync_RetryAfterOnlyOneShardWasReserved_ReservesJustTheRest()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        await ReserveAsync(shop, product, "creates-the-shards", 1);
        await shop.Stock.ReleaseAsync(SkuRef.Of(product, product.Sku()), StockLedger.HoldIdFor("creates-the-shards", 0), None);
        var hold = StockLedger.HoldIdFor("c1", 0);
        var expires = Expiry(shop).ToUnixTimeSeconds();
        await shop.StockStore.TryApplyAsync(StockShard.IdOf(product.Id, "sku-1", 0), new StockChange.Reserve(hold, 20, expires, null), None);

        var outcome = (await shop.Stock.ReserveAsync(product, product.Sku(), hold, 30, null, Expiry(shop), None)).Outcome;

        Assert.Equal(ReservationOutcome.Reserved, outcome);
        var shards = await ShardsAsync(shop, product);
        Assert.Equal(30, shards.Sum(s => s.Holds.TryGetValue(hold, out var h) ? h.Quantity : 0));
        Assert.Equal(30, shards.Sum(s => s.Reserved));
    }

    [Fact]
    public async Task ReserveAsync_StaleCopyOfTheProduct_NeverUndoesANewerDeclaration()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 10);
        await ReserveAsync(shop, product, "c1", 1);
        var cut = product.WithStock(5);
        await ReserveAsync(shop, cut, "c2", 1);

        // An activity still holding the copy from before the cut.
        await ReserveAsync(shop, product, "c3", 1);

        var shard = Assert.Single(await ShardsAsync(shop, product));
        Assert.Equal((5L, 2L), (shard.Basis, shard.Available));
    }

    [Fact]
    public async Task ReserveAsync_DeclaredStockRaised_RebasesTheShardsFirst()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 10);
        await ReserveAsync(shop, product, "c1", 10);
        Assert.Equal(ReservationOutcome.OutOfStock, await ReserveAsync(shop, product, "c2", 1));
        var restocked = product.WithStock(15);

        var outcome = await ReserveAsync(shop, restocked, "c3", 5);

        Assert.Equal(ReservationOutcome.Reserved, outcome);
        var shard = Assert.Single(await ShardsAsync(shop, product));
        Assert.Equal((15L, 15L, 0L, 15L), (shard.Basis, shard.OnHand, shard.Available, shard.Reserved));
    }

    [Fact]
    public async Task ReserveAsync_DeclaredStockCutBelowWhatIsCommitted_RefusesUntilRaisedAgain()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 20);
        await ReserveAsync(shop, product, "c1", 15);
        var cut = product.WithStock(10);

        var refused = await ReserveAsync(shop, cut, "c2", 1);

        Assert.Equal(ReservationOutcome.OutOfStock, refused);
        var shard = Assert.Single(await ShardsAsync(shop, product));
        Assert.Equal((10L, 10L, -5L, 15L), (shard.Basis, shard.OnHand, shard.Available, shard.Reserved));
        Assert.Equal((0L, 15L), ((await LevelAsync(shop, cut)).Available, (await LevelAsync(shop, cut)).Reserved));

        var raised = cut.WithStock(18);
        Assert.Equal(ReservationOutcome.Reserved, await ReserveAsync(shop, raised, "c3", 3));
        Assert.Equal(ReservationOutcome.OutOfStock, await ReserveAsync(shop, raised, "c4", 1));
    }

    [Fact]
    public async Task ReserveAsync_DeclaredStockChangedOnSeveralShards_EachShardMovesToItsPartOfTheNewTotal()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        await ReserveAsync(shop, product, "c1", 20);

        await ReserveAsync(shop, product.WithStock(31), "c2", 1);

        var shards = await ShardsAsync(shop, product);
        Assert.All(shards, s => Assert.Equal((31L, StockShard.PartOf(31, s.Index, 2)), (s.Basis, s.OnHand)));
        Assert.All(shards, s => Assert.Equal(s.OnHand - s.Reserved - s.Sold, s.Available));
        Assert.Equal(21, shards.Sum(s => s.Reserved));
    }

    [Fact]
    public async Task LevelsAsync_SkuNeverUsed_ReportsTheDeclaredStockAndWritesNothing()
    {
        var latent = default(LatentStockStore);
        var shop = new Shop(wrapStock: inner => latent = new LatentStockStore(inner));
        var product = Records.NewProduct(stockOnHand: 40);

        var level = await LevelAsync(shop, product);

        Assert.Equal(new StockLevel(40, 0, 0, null, null), level);
        Assert.Equal(0, latent!.Writes);
        Assert.Empty(await ShardsAsync(shop, product));
    }

    [Fact]
    public async Task LevelsAsync_DeclaredStockChangedSinceTheShardsWereWritten_ReportsTheNewTotalWithoutRebasing()
    {
        var latent = default(LatentStockStore);
        var shop = new Shop(wrapStock: inner => latent = new LatentStockStore(inner));
        var product = Records.NewProduct(stockOnHand: 50);
        await ReserveAsync(shop, product, "c1", 10);
        var writes = latent!.Writes;

        var level = await LevelAsync(shop, product.WithStock(61));

        Assert.Equal((51L, 10L, 0L), (level.Available, level.Reserved, level.Sold));
        Assert.Equal(writes, latent.Writes);
        Assert.All(await ShardsAsync(shop, product), s => Assert.Equal(50, s.Basis));
    }

    [Fact]
    public async Task LevelsAsync_SeveralSkus_ReportsEachFromOneRead()
    {
        var shop = new Shop();
        var first = Records.NewProduct(stockOnHand: 50, id: "prd_a");
        var second = Records.NewProduct(stockOnHand: 7, id: "prd_b");
        await ReserveAsync(shop, first, "c1", 5);
        await CommitAsync(shop, first, "c1", 5);

        var levels = await shop.Stock.LevelsAsync([(first, first.Sku()), (second, second.Sku())], None);

        Assert.Equal(new StockLevel(45, 0, 5, null, null), levels[SkuRef.Of(first, first.Sku())]);
        Assert.Equal(new StockLevel(7, 0, 0, null, null), levels[SkuRef.Of(second, second.Sku())]);
    }

    [Fact]
    public async Task ReserveAsync_FromSale_LoadsEachShardsPartOfTheAllotment()
    {
        var shop = new Shop();
        var (product, sale) = OnSale(shop, stockOnHand: 50, allotment: 5);

        var outcome = await ReserveAsync(shop, product, "c1", 1, sale);

        Assert.Equal(ReservationOutcome.Reserved, outcome);
        var shards = await ShardsAsync(shop, product);
        Assert.All(shards, s => Assert.Equal(sale.Id, s.Sale));
        Assert.Equal(4, shards.Sum(s => s.SaleLeft));
        Assert.Equal(sale.Id, shards.Single(s => s.Reserved == 1).Holds.Values.Single().Sale);
        var level = await LevelAsync(shop, product);
        Assert.Equal((49L, 4L, sale.Id), (level.Available, level.SaleUnitsLeft, level.SaleId));
    }

    [Fact]
    public async Task ReserveAsync_SaleUnitsUsedUp_SaleSoldOutWhileRegularStockStillSells()
    {
        var shop = new Shop();
        var (product, sale) = OnSale(shop, stockOnHand: 20, allotment: 2);
        await ReserveAsync(shop, product, "c1", 2, sale);

        var fromSale = await ReserveAsync(shop, product, "c2", 1, sale);
        var regular = await ReserveAsync(shop, product, "c3", 1);

        Assert.Equal(ReservationOutcome.SaleSoldOut, fromSale);
        Assert.Equal(ReservationOutcome.Reserved, regular);
        Assert.Equal(0, (await LevelAsync(shop, product)).UnitsLeftIn(sale));
    }

    [Fact]
    public async Task ReserveAsync_SkuSoldOutDuringSale_OutOfStock()
    {
        var shop = new Shop();
        var (product, sale) = OnSale(shop, stockOnHand: 2, allotment: 5);
        await ReserveAsync(shop, product, "c1", 2, sale);

        var outcome = await ReserveAsync(shop, product, "c2", 1, sale);

        Assert.Equal(ReservationOutcome.OutOfStock, outcome);
    }

    [Fact]
    public async Task ReserveAsync_LineLargerThanTheSaleHasLeftButInRegularStock_SaleSoldOutAndNothingHeld()
    {
        var shop = new Shop();
        var (product, sale) = OnSale(shop, stockOnHand: 4, allotment: 3);

        var outcome = await ReserveAsync(shop, product, "c1", 4, sale);

        Assert.Equal(ReservationOutcome.SaleSoldOut, outcome);
        var level = await LevelAsync(shop, product);
        Assert.Equal((4L, 0L, 3L), (level.Available, level.Reserved, level.SaleUnitsLeft));
    }

    [Fact]
    public async Task ReserveAsync_NewSaleOnTheSku_CountsItsAllotmentInPlaceOfTheOld()
    {
        var shop = new Shop();
        var (product, first) = OnSale(shop, stockOnHand: 50, allotment: 5);
        await ReserveAsync(shop, product, "c1", 2, first);
        var second = Records.NewSale(product, 899, first.EndsAt, allotment: 8, id: "fls_2");
        product = product.WithSales(first, second);
        shop.Clock.AdjustTime(second.StartsAt);

        await ReserveAsync(shop, product, "c2", 1, second);

        var shards = await ShardsAsync(shop, product);
        Assert.All(shards, s => Assert.Equal(second.Id, s.Sale));
        Assert.Equal(7, shards.Sum(s => s.SaleLeft));
    }

    [Fact]
    public async Task LevelsAsync_ActiveSaleSoldOutWithTheNextSaleScheduled_CountsTheActiveSalesUnits()
    {
        var shop = new Shop();
        var (product, active) = OnSale(shop, stockOnHand: 50, allotment: 2);
        await ReserveAsync(shop, product, "c1", 2, active);
        var next = Records.NewSale(product, 899, active.EndsAt, allotment: 8, id: "fls_next");
        product = product.WithSales(active, next);

        var level = await LevelAsync(shop, product);

        Assert.Equal(0, level.UnitsLeftIn(active));
        Assert.Equal(8, level.UnitsLeftIn(next));
    }

    [Fact]
    public async Task ReleaseAsync_SaleHold_GivesTheUnitsBackToTheSale()
    {
        var shop = new Shop();
        var (product, sale) = OnSale(shop, stockOnHand: 50, allotment: 5);
        await ReserveAsync(shop, product, "c1", 2, sale);

        await ReleaseAsync(shop, product, "c1");

        var level = await LevelAsync(shop, product);
        Assert.Equal((50L, 0L, 5L), (level.Available, level.Reserved, level.SaleUnitsLeft));
    }

    [Fact]
    public async Task ReleaseAsync_ShardNowCountsAnotherSale_GivesTheUnitsBackToRegularStockOnly()
    {
        var shop = new Shop();
        var (product, first) = OnSale(shop, stockOnHand: 10, allotment: 5);
        await ReserveAsync(shop, product, "c1", 2, first);
        var second = Records.NewSale(product, 899, first.EndsAt, allotment: 4, id: "fls_2");
        product = product.WithSales(first, second);
        shop.Clock.AdjustTime(second.StartsAt);
        await ReserveAsync(shop, product, "c2", 1, second);

        await ReleaseAsync(shop, product, "c1");

        var shard = Assert.Single(await ShardsAsync(shop, product));
        Assert.Equal((9L, 1L, second.Id, 3L), (shard.Available, shard.Reserved, shard.Sale, shard.SaleLeft));
        Assert.Equal(StockHold.Released, shard.Holds[StockLedger.HoldIdFor("c1", 0)].Outcome);
    }

    [Fact]
    public async Task ReserveAsync_SaleEndedSincePricing_RefusesWithoutLoadingItAgain()
    {
        var shop = new Shop();
        var (product, sale) = OnSale(shop, stockOnHand: 50, allotment: 5);
        shop.Clock.AdjustTime(sale.EndsAt);

        var outcome = (await shop.Stock.ReserveAsync(product, product.Sku(), StockLedger.HoldIdFor("late", 0), 1, sale, Expiry(shop), None)).Outcome;

        Assert.Equal(ReservationOutcome.SaleSoldOut, outcome);
        Assert.All(await ShardsAsync(shop, product), s => Assert.Null(s.Sale));
    }

    [Fact]
    public async Task CommitAsync_PartOfTheLineReleasedByTheSweep_FalseAndReturnLinePutsTheSoldPartBackOnSale()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        var holdId = StockLedger.HoldIdFor("c1", 0);
        var reserved = await shop.Stock.ReserveAsync(product, product.Sku(), holdId, 30, null, Expiry(shop), None);
        Assert.True(reserved.Held.Count > 1, "The line must span shards for this test.");
        var swept = reserved.Held[^1];
        await shop.StockStore.TryApplyAsync(swept.ShardId, new StockChange.Release(holdId, swept.Quantity, null), None);

        var committed = await shop.Stock.CommitAsync(holdId, reserved.Held, Expiry(shop), None);
        var partly = await LevelAsync(shop, product);
        await shop.Stock.ReturnLineAsync(SkuRef.Of(product, product.Sku()), holdId, reserved.Held, null, Expiry(shop), None);
        await shop.Stock.ReturnLineAsync(SkuRef.Of(product, product.Sku()), holdId, reserved.Held, null, Expiry(shop), None);

        Assert.False(committed);
        Assert.Equal(30 - swept.Quantity, partly.Sold);
        var level = await LevelAsync(shop, product);
        Assert.Equal((50L, 0L, 0L), (level.Available, level.Reserved, level.Sold));
    }

    [Fact]
    public async Task ReturnLineAsync_FlashSaleLineAlreadySold_GivesItsUnitsBackToTheSaleOnce()
    {
        var shop = new Shop();
        var (product, sale) = OnSale(shop, stockOnHand: 50, allotment: 5);
        var holdId = StockLedger.HoldIdFor("c1", 0);
        var reserved = await shop.Stock.ReserveAsync(product, product.Sku(), holdId, 2, sale, Expiry(shop), None);
        Assert.True(await shop.Stock.CommitAsync(holdId, reserved.Held, Expiry(shop), None));

        // The checkout fails after its stock was committed (the capture failed): the line is given back, twice.
        await shop.Stock.ReturnLineAsync(SkuRef.Of(product, product.Sku()), holdId, reserved.Held, sale.Id, Expiry(shop), None);
        await shop.Stock.ReturnLineAsync(SkuRef.Of(product, product.Sku()), holdId, reserved.Held, sale.Id, Expiry(shop), None);

        var level = await LevelAsync(shop, product);
        Assert.Equal((50L, 0L, 0L, 5L), (level.Available, level.Reserved, level.Sold, level.UnitsLeftIn(sale)));
    }

    [Fact]
    public async Task ReturnLineAsync_SoldLineOfASaleTheShardNoLongerCounts_GoesBackToTheRegularStockOnly()
    {
        var shop = new Shop();
        var (product, sale) = OnSale(shop, stockOnHand: 10, allotment: 5);
        var holdId = StockLedger.HoldIdFor("c1", 0);
        var reserved = await shop.Stock.ReserveAsync(product, product.Sku(), holdId, 2, sale, Expiry(shop), None);
        Assert.True(await shop.Stock.CommitAsync(holdId, reserved.Held, Expiry(shop), None));
        var shard = Assert.Single(reserved.Held).ShardId;
        await shop.StockStore.TryApplyAsync(shard, new StockChange.LoadSale("fls_newer", 3, long.MaxValue), None);

        await shop.Stock.ReturnLineAsync(SkuRef.Of(product, product.Sku()), holdId, reserved.Held, sale.Id, Expiry(shop), None);

        var stored = Assert.Single(await ShardsAsync(shop, product));
        Assert.Equal((10L, 0L, "fls_newer", 3L), (stored.Available, stored.Sold, stored.Sale, stored.SaleLeft));
    }

    [Fact]
    public async Task ReturnLineAsync_ReservationAnswerLost_ReleasesWhateverTheLineHoldsOpen()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        await ReserveAsync(shop, product, "c1", 30);

        await shop.Stock.ReturnLineAsync(SkuRef.Of(product, product.Sku()), StockLedger.HoldIdFor("c1", 0), null, null, Expiry(shop), None);

        var level = await LevelAsync(shop, product);
        Assert.Equal((50L, 0L, 0L), (level.Available, level.Reserved, level.Sold));
    }

    [Fact]
    public async Task ReleaseAsync_Twice_GivesTheUnitsBackOnce()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        await ReserveAsync(shop, product, "c1", 30);
        await ReserveAsync(shop, product, "c2", 5);

        await ReleaseAsync(shop, product, "c1");
        await ReleaseAsync(shop, product, "c1");

        var level = await LevelAsync(shop, product);
        Assert.Equal((45L, 5L), (level.Available, level.Reserved));
    }

    [Fact]
    public async Task CommitAsync_OpenHoldOnSeveralShards_SellsTheWholeLine()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        await ReserveAsync(shop, product, "c1", 30);

        var committed = await CommitAsync(shop, product, "c1", 30);

        Assert.True(committed);
        var level = await LevelAsync(shop, product);
        Assert.Equal((20L, 0L, 30L), (level.Available, level.Reserved, level.Sold));
    }

    [Fact]
    public async Task CommitAsync_Twice_TrueBothTimesAndSellsOnce()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        await ReserveAsync(shop, product, "c1", 3);

        var first = await CommitAsync(shop, product, "c1", 3);
        var second = await CommitAsync(shop, product, "c1", 3);

        Assert.True(first && second);
        Assert.Equal(3, (await LevelAsync(shop, product)).Sold);
    }

    [Fact]
    public async Task CommitAsync_HoldReleased_FalseAndSellsNothing()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        await ReserveAsync(shop, product, "c1", 30);
        await ReleaseAsync(shop, product, "c1");

        var committed = await CommitAsync(shop, product, "c1", 30);

        Assert.False(committed);
        var level = await LevelAsync(shop, product);
        Assert.Equal((50L, 0L, 0L), (level.Available, level.Reserved, level.Sold));
    }

    [Fact]
    public async Task CommitAsync_HoldExpiredAndSwept_FalseAndSellsNothing()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        await ReserveAsync(shop, product, "c1", 2);
        shop.Clock.Advance(HoldTime);
        await shop.Stock.SweepAsync(None);

        var committed = await CommitAsync(shop, product, "c1", 2);

        Assert.False(committed);
        Assert.Equal((50L, 0L), ((await LevelAsync(shop, product)).Available, (await LevelAsync(shop, product)).Sold));
    }

    [Fact]
    public async Task CommitAsync_UnknownHold_False()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        await ReserveAsync(shop, product, "c1", 2);

        Assert.False(await CommitAsync(shop, product, "c2", 2));
    }

    [Fact]
    public async Task RestockAsync_SameReturnTwice_PutsTheUnitsBackOnce()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        await ReserveAsync(shop, product, "c1", 3);
        await CommitAsync(shop, product, "c1", 3);

        await RestockAsync(shop, product, "c1", "ret_1", 2);
        await RestockAsync(shop, product, "c1", "ret_1", 2);

        var level = await LevelAsync(shop, product);
        Assert.Equal((49L, 1L), (level.Available, level.Sold));
    }

    [Fact]
    public async Task RestockAsync_TwoReturns_PutsBackBoth()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        await ReserveAsync(shop, product, "c1", 3);
        await CommitAsync(shop, product, "c1", 3);

        await RestockAsync(shop, product, "c1", "ret_1", 1);
        await RestockAsync(shop, product, "c1", "ret_2", 2);

        var level = await LevelAsync(shop, product);
        Assert.Equal((50L, 0L), (level.Available, level.Sold));
    }

    [Fact]
    public async Task RestockAsync_LineSoldFromSeveralShards_PutsBackTheWholeQuantity()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        await ReserveAsync(shop, product, "c1", 30);
        await CommitAsync(shop, product, "c1", 30);

        await RestockAsync(shop, product, "c1", "ret_1", 30);

        var level = await LevelAsync(shop, product);
        Assert.Equal((50L, 0L), (level.Available, level.Sold));
    }

    [Fact]
    public async Task RestockAsync_HoldNotSold_PutsNothingBack()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        await ReserveAsync(shop, product, "c1", 3);

        await RestockAsync(shop, product, "c1", "ret_1", 3);

        var level = await LevelAsync(shop, product);
        Assert.Equal((47L, 3L, 0L), (level.Available, level.Reserved, level.Sold));
    }

    [Fact]
    public async Task SweepAsync_OpenHoldPastItsExpiry_ReleasesIt()
    {
        var shop = new Shop();
        var (product, sale) = OnSale(shop, stockOnHand: 50, allotment: 5);
        await ReserveAsync(shop, product, "c1", 30);
        await ReserveAsync(shop, product, "c2", 2, sale);
        shop.Clock.Advance(HoldTime);

        var swept = await shop.Stock.SweepAsync(None);

        Assert.Equal(new SweepResult(3, 0), swept);
        var level = await LevelAsync(shop, product);
        Assert.Equal((50L, 0L, 5L), (level.Available, level.Reserved, level.SaleUnitsLeft));
    }

    [Fact]
    public async Task SweepAsync_OpenHoldNotYetExpired_KeepsIt()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        await ReserveAsync(shop, product, "c1", 3);
        shop.Clock.Advance(HoldTime - TimeSpan.FromSeconds(1));

        var swept = await shop.Stock.SweepAsync(None);

        Assert.Equal(new SweepResult(0, 0), swept);
        Assert.True(await CommitAsync(shop, product, "c1", 3));
    }

    [Fact]
    public async Task SweepAsync_ReleasedHold_ForgottenOnlyOnceItsRetentionAfterExpiryPassed_ACommittedOneIsGoneAtOnce()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 20);
        await ReserveAsync(shop, product, "sold", 3);
        await CommitAsync(shop, product, "sold", 3);
        Assert.DoesNotContain(StockLedger.HoldIdFor("sold", 0), Assert.Single(await ShardsAsync(shop, product)).Holds.Keys);
        await ReserveAsync(shop, product, "released", 2);
        await ReleaseAsync(shop, product, "released");
        shop.Clock.Advance(HoldTime + StockLedger.FinishedHoldRetention - TimeSpan.FromSeconds(1));

        var early = await shop.Stock.SweepAsync(None);
        shop.Clock.Advance(TimeSpan.FromSeconds(1));
        var due = await shop.Stock.SweepAsync(None);

        Assert.Equal(new SweepResult(0, 0), early);
        Assert.Equal(new SweepResult(0, 1), due);
        var shard = Assert.Single(await ShardsAsync(shop, product));
        Assert.Empty(shard.Holds);
        Assert.Equal(0, shard.Marks);
        Assert.Equal((17L, 3L), (shard.Available, shard.Sold));
        Assert.Empty(await shop.StockStore.ListWithHoldsAsync(None));
    }

    [Fact]
    public async Task SweepAsync_ReleasedHold_NotReleasedAgain()
    {
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        await ReserveAsync(shop, product, "c1", 3);
        await ReleaseAsync(shop, product, "c1");
        shop.Clock.Advance(HoldTime);

        var swept = await shop.Stock.SweepAsync(None);

        Assert.Equal(new SweepResult(0, 0), swept);
        Assert.Equal(50, (await LevelAsync(shop, product)).Available);
    }

    [Fact]
    public async Task SweepAsync_HoldUntilWithinASecond_ReleasedNotBeforeIt()
    {
        // Holds are stored to the second: an expiry inside a second must not let the sweep release the hold early.
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        var holdUntil = Expiry(shop) + TimeSpan.FromMilliseconds(400);
        await shop.Stock.ReserveAsync(product, product.Sku(), StockLedger.HoldIdFor("c1", 0), 3, null, holdUntil, None);

        shop.Clock.AdjustTime(holdUntil - TimeSpan.FromTicks(1));
        var early = await shop.Stock.SweepAsync(None);
        shop.Clock.AdjustTime(holdUntil + TimeSpan.FromSeconds(1));
        var due = await shop.Stock.SweepAsync(None);

        Assert.Equal((new SweepResult(0, 0), new SweepResult(1, 0)), (early, due));
        Assert.Equal(50, (await LevelAsync(shop, product)).Available);
    }

    [Fact]
    public async Task CommitAsync_ReleasedHoldAroundTheEndOfItsRetention_NeverCommittedAndReturnLineRestocksNothing()
    {
        // The sweep forgets a released hold's mark once its retention after the expiry (as stored) passed; until then
        // the mark says the hold was not committed, and after it the ledger must not take a missing hold for a sale.
        var shop = new Shop();
        var product = Records.NewProduct(stockOnHand: 50);
        var holdId = StockLedger.HoldIdFor("c1", 0);
        var holdUntil = Expiry(shop) + TimeSpan.FromMilliseconds(400);
        var reserved = await shop.Stock.ReserveAsync(product, product.Sku(), holdId, 3, null, holdUntil, None);
        await ReleaseAsync(shop, product, "c1");
        var end = holdUntil + StockLedger.FinishedHoldRetention;
        DateTimeOffset[] moments =
        [
            end - TimeSpan.FromMilliseconds(400), end - TimeSpan.FromTicks(1), end, end + TimeSpan.FromMilliseconds(600), end + TimeSpan.FromSeconds(1),
        ];

        var answers = new List<(DateTimeOffset At, bool Committed)>();
        foreach (var at in moments)
        {
            shop.Clock.AdjustTime(at);
            await shop.Stock.SweepAsync(None);
            answers.Add((at, await shop.Stock.CommitAsync(holdId, reserved.Held, holdUntil, None)));
            await shop.Stock.ReturnLineAsync(SkuRef.Of(product, product.Sku()), holdId, reserved.Held, null, holdUntil, None);
        }

        Assert.All(answers, a => Assert.False(a.Committed, $"Committed at {a.At:O}."));
        Assert.All(await ShardsAsync(shop, product), s => Assert.Empty(s.Holds));
        var level = await LevelAsync(shop, product);
        Assert.Equal((50L, 0L, 0L), (level.Available, level.Reserved, level.Sold));
    }

    [Fact]
    public async Task ReserveAsync_StaleCopyWithASaleTheShardsNoLongerCount_SaleSoldOutWithoutTryingAWrite()
    {
        // The shards count a newer sale; a buyer holding a copy of the product from before it asks for the old one.
        LatentStockStore? latent = null;
        var shop = new Shop(wrapStock: inner => latent = new LatentStockStore(inner, yields: false));
        var (stale, first) = OnSale(shop, stockOnHand: 50, allotment: 5);
        shop.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = Records.NewSale(stale, 899, shop.Clock.GetUtcNow(), allotment: 8, id: "fls_2");
        var current = stale.WithSales(first with { CancelledAt = shop.Clock.GetUtcNow() }, second);
        Assert.Equal(ReservationOutcome.Reserved, await ReserveAsync(shop, current, "c1", 1, second));
        var writes = latent!.Writes;

        var outcome = await ReserveAsync(shop, stale, "c2", 1, first);

        Assert.Equal(ReservationOutcome.SaleSoldOut, outcome);
        Assert.Equal(writes, latent.Writes);
        var shards = await ShardsAsync(shop, current);
        Assert.All(shards, s => Assert.Equal(second.Id, s.Sale));
        Assert.Equal((1L, 7L), (shards.Sum(s => s.Reserved), shards.Sum(s => s.SaleLeft)));
    }

    [Fact]
    public void HoldIdFor_SameCheckoutAndLine_SameIdOtherwiseDifferent()
    {
        var id = StockLedger.HoldIdFor("chk_1", 0);

        Assert.Equal(id, StockLedger.HoldIdFor("chk_1", 0));
        Assert.NotEqual(id, StockLedger.HoldIdFor("chk_1", 1));
        Assert.NotEqual(id, StockLedger.HoldIdFor("chk_2", 0));
        Assert.Matches("^h[0-9a-f]{24}$", id);
    }

    /// <summary>A product of <paramref name="stockOnHand"/> units with an active sale of 1,499 cents (regular 1,999).</summary>
    internal static (Product Product, FlashSale Sale) OnSale(Shop shop, long stockOnHand, long allotment)
    {
        var product = Records.NewProduct(stockOnHand: stockOnHand);
        var sale = Records.NewSale(product, 1499, shop.Clock.GetUtcNow(), allotment: allotment);
        return (product.WithSales(sale), sale);
    }

    internal static async Task<ReservationOutcome> ReserveAsync(Shop shop, Product product, string checkoutId, long quantity, FlashSale? sale = null)
    {
        var reserved = await shop.Stock.ReserveAsync(product, product.Sku(), StockLedger.HoldIdFor(checkoutId, 0), quantity, sale, Expiry(shop), None);
        if (reserved.Outcome == ReservationOutcome.Reserved)
        {
            shop.Held[checkoutId] = reserved.Held;
        }

        return reserved.Outcome;
    }

    internal static async Task<StockLevel> LevelAsync(Shop shop, Product product) =>
        (await shop.Stock.LevelsAsync([(product, product.Sku())], None))[SkuRef.Of(product, product.Sku())];

    internal static async Task<IReadOnlyList<StockShard>> ShardsAsync(Shop shop, Product product) =>
        (await shop.StockStore.ReadAsync(Enumerable.Range(0, StockLedger.MaxShards).Select(i => StockShard.IdOf(product.Id, "sku-1", i)).ToList(), None))
            .OrderBy(s => s.Index).ToList();

    /// <summary>Commits the line where its reservation said its units are held (as the checkout does); false for a line never reserved.</summary>
    private static async Task<bool> CommitAsync(Shop shop, Product product, string checkoutId, long quantity) =>
        shop.Held.TryGetValue(checkoutId, out var held) && held.Sum(h => h.Quantity) == quantity
        && await shop.Stock.CommitAsync(StockLedger.HoldIdFor(checkoutId, 0), held, Expiry(shop), None);

    private static Task ReleaseAsync(Shop shop, Product product, string checkoutId) =>
        shop.Stock.ReleaseAsync(SkuRef.Of(product, product.Sku()), StockLedger.HoldIdFor(checkoutId, 0), None);

    /// <summary>Puts units of the checkout's line back where its reservation said they were held (as a refund does).</summary>
    private static Task RestockAsync(Shop shop, Product product, string checkoutId, string returnId, long quantity) =>
        shop.Stock.RestockAsync(returnId, StockLedger.AllocateReturn(shop.Held[checkoutId], [], quantity), None);

    private static DateTimeOffset Expiry(Shop shop) => shop.Clock.GetUtcNow() + HoldTime;
}

using LiveShop.Core.Stock;

namespace LiveShop.UnitTests.Stock;

/// <summary><see cref="StockShard.Apply"/>: each change is written only if its condition holds, so repeating it is safe.</summary>
public class StockShardTests
{
    private const long Expires = 1_800_000_000;

    [Theory]
    [InlineData(50, 2, new long[] { 25, 25 })]
    [InlineData(52, 3, new long[] { 18, 17, 17 })]
    [InlineData(53, 3, new long[] { 18, 18, 17 })]
    [InlineData(7, 8, new long[] { 1, 1, 1, 1, 1, 1, 1, 0 })]
    [InlineData(0, 1, new long[] { 0 })]
    [InlineData(1, 1, new long[] { 1 })]
    public void PartOf_TotalOverShards_FirstShardsTakeTheRemainder(long total, int count, long[] expected)
    {
        var parts = Enumerable.Range(0, count).Select(i => StockShard.PartOf(total, i, count)).ToArray();

        Assert.Equal(expected, parts);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(199L)]
    [InlineData(1_000_000_007L)]
    public void PartOf_AnyTotal_PartsAddUpToTheTotal(long total)
    {
        for (var count = 1; count <= StockLedger.MaxShards; count++)
        {
            var parts = Enumerable.Range(0, count).Select(i => StockShard.PartOf(total, i, count)).ToList();

            Assert.Equal(total, parts.Sum());
            Assert.True(parts.Max() - parts.Min() <= 1, $"Parts of {total} over {count} differ by more than one unit.");
        }
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(25, 1)]
    [InlineData(26, 2)]
    [InlineData(50, 2)]
    [InlineData(51, 3)]
    [InlineData(175, 7)]
    [InlineData(200, 8)]
    [InlineData(201, 8)]
    [InlineData(1_000_000_000, 8)]
    public void ShardCountFor_DeclaredUnits_OnePerTwentyFiveUpToEight(long declared, int expected)
    {
        Assert.Equal(expected, StockLedger.ShardCountFor(declared));
    }

    [Fact]
    public void Apply_ReserveWithinAvailable_MovesUnitsToReservedAndRecordsTheHold()
    {
        var shard = Shard(onHand: 10);

        var written = shard.Apply(new StockChange.Reserve("h1", 3, Expires, null));

        Assert.NotNull(written);
        Assert.Equal((7L, 3L, 0L, 10L), (written.Available, written.Reserved, written.Sold, written.OnHand));
        Assert.Equal(new StockHold(3, Expires, null, null), written.Holds["h1"]);
        Assert.Equal(0, written.Marks);
    }

    [Fact]
    public void Apply_ReserveMoreThanAvailable_WritesNothing()
    {
        var shard = Shard(onHand: 2);

        Assert.Null(shard.Apply(new StockChange.Reserve("h1", 3, Expires, null)));
    }

    [Fact]
    public void Apply_ReserveExactlyAvailable_LeavesNoneAvailable()
    {
        var written = Shard(onHand: 3).Apply(new StockChange.Reserve("h1", 3, Expires, null));

        Assert.Equal(0, written!.Available);
    }

    [Fact]
    public void Apply_ReserveAHoldIdAgain_WritesNothing()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.Reserve("h1", 3, Expires, null))!;

        Assert.Null(shard.Apply(new StockChange.Reserve("h1", 3, Expires, null)));
    }

    [Fact]
    public void Apply_ReserveAFinishedHoldIdAgain_WritesNothing()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.Reserve("h1", 3, Expires, null))!
            .Apply(new StockChange.Release("h1", 3, null))!;

        Assert.Null(shard.Apply(new StockChange.Reserve("h1", 3, Expires, null)));
    }

    [Fact]
    public void Apply_ReserveFromASaleTheShardDoesNotCount_WritesNothing()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.LoadSale("fls_a", 5, 1))!;

        Assert.Null(shard.Apply(new StockChange.Reserve("h1", 1, Expires, "fls_b")));
        Assert.Null(Shard(onHand: 10).Apply(new StockChange.Reserve("h1", 1, Expires, "fls_a")));
    }

    [Fact]
    public void Apply_ReserveFromSale_TakesUnitsFromTheSaleToo()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.LoadSale("fls_a", 5, 1))!;

        var written = shard.Apply(new StockChange.Reserve("h1", 2, Expires, "fls_a"));

        Assert.Equal((8L, 3L), (written!.Available, written.SaleLeft));
        Assert.Equal("fls_a", written.Holds["h1"].Sale);
    }

    [Fact]
    public void Apply_ReserveMoreThanTheSaleHasLeft_WritesNothing()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.LoadSale("fls_a", 2, 1))!;

        Assert.Null(shard.Apply(new StockChange.Reserve("h1", 3, Expires, "fls_a")));
    }

    [Fact]
    public void Apply_ReserveWithoutSale_LeavesTheSaleUnitsAlone()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.LoadSale("fls_a", 5, 1))!;

        var written = shard.Apply(new StockChange.Reserve("h1", 2, Expires, null));

        Assert.Equal((8L, 5L), (written!.Available, written.SaleLeft));
    }

    [Fact]
    public void Apply_CommitOpenHold_TurnsReservedUnitsIntoSoldAndDropsTheHold()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.Reserve("h1", 3, Expires, null))!;

        var written = shard.Apply(new StockChange.Commit("h1", 3));

        Assert.Equal((7L, 0L, 3L, 10L), (written!.Available, written.Reserved, written.Sold, written.OnHand));
        Assert.False(written.Holds.ContainsKey("h1"));
        Assert.Equal(0, written.Marks);
    }

    [Fact]
    public void Apply_CommitTwice_SecondWritesNothing()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.Reserve("h1", 3, Expires, null))!.Apply(new StockChange.Commit("h1", 3))!;

        Assert.Null(shard.Apply(new StockChange.Commit("h1", 3)));
    }

    [Fact]
    public void Apply_CommitOtherQuantityOrUnknownHold_WritesNothing()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.Reserve("h1", 3, Expires, null))!;

        Assert.Null(shard.Apply(new StockChange.Commit("h1", 2)));
        Assert.Null(shard.Apply(new StockChange.Commit("h2", 3)));
    }

    [Fact]
    public void Apply_CommitReleasedHold_WritesNothing()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.Reserve("h1", 3, Expires, null))!.Apply(new StockChange.Release("h1", 3, null))!;

        Assert.Null(shard.Apply(new StockChange.Commit("h1", 3)));
    }

    [Fact]
    public void OpenHold_OpenReleasedCommittedOrUnknown_OnlyTheOpenHold()
    {
        var reserved = Shard(onHand: 10).Apply(new StockChange.Reserve("h1", 3, Expires, null))!;

        Assert.Equal(new StockHold(3, Expires, null, null), reserved.OpenHold("h1"));
        Assert.Null(reserved.Apply(new StockChange.Release("h1", 3, null))!.OpenHold("h1"));
        Assert.Null(reserved.Apply(new StockChange.Commit("h1", 3))!.OpenHold("h1"));
        Assert.Null(reserved.OpenHold("h2"));
    }

    [Fact]
    public void Apply_ReleaseOpenHold_GivesUnitsBack()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.Reserve("h1", 3, Expires, null))!;

        var written = shard.Apply(new StockChange.Release("h1", 3, null));

        Assert.Equal((10L, 0L, 0L), (written!.Available, written.Reserved, written.Sold));
        Assert.Equal(StockHold.Released, written.Holds["h1"].Outcome);
        Assert.Equal(1, written.Marks);
    }

    [Fact]
    public void Apply_ReleaseTwiceOrAfterCommit_WritesNothing()
    {
        var reserved = Shard(onHand: 10).Apply(new StockChange.Reserve("h1", 3, Expires, null))!;

        Assert.Null(reserved.Apply(new StockChange.Release("h1", 3, null))!.Apply(new StockChange.Release("h1", 3, null)));
        Assert.Null(reserved.Apply(new StockChange.Commit("h1", 3))!.Apply(new StockChange.Release("h1", 3, null)));
    }

    [Fact]
    public void Apply_ReleaseToTheSaleTheShardCounts_GivesUnitsBackToTheSale()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.LoadSale("fls_a", 5, 1))!.Apply(new StockChange.Reserve("h1", 2, Expires, "fls_a"))!;

        var written = shard.Apply(new StockChange.Release("h1", 2, "fls_a"));

        Assert.Equal((10L, 5L), (written!.Available, written.SaleLeft));
    }

    [Fact]
    public void Apply_ReleaseToASaleTheShardNoLongerCounts_WritesNothing()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.LoadSale("fls_a", 5, 1))!
            .Apply(new StockChange.Reserve("h1", 2, Expires, "fls_a"))!
            .Apply(new StockChange.LoadSale("fls_b", 4, 2))!;

        Assert.Null(shard.Apply(new StockChange.Release("h1", 2, "fls_a")));
        var regular = shard.Apply(new StockChange.Release("h1", 2, null));
        Assert.Equal((10L, 4L), (regular!.Available, regular.SaleLeft));
    }

    [Fact]
    public void Apply_ForgetReleasedHold_DropsIt()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.Reserve("h1", 3, Expires, null))!.Apply(new StockChange.Release("h1", 3, null))!;

        var written = shard.Apply(new StockChange.Forget("h1"));

        Assert.Empty(written!.Holds);
        Assert.Equal(0, written.Marks);
        Assert.Equal(10, written.Available);
    }

    [Fact]
    public void Apply_ForgetOpenOrUnknownHold_WritesNothing()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.Reserve("h1", 3, Expires, null))!;

        Assert.Null(shard.Apply(new StockChange.Forget("h1")));
        Assert.Null(shard.Apply(new StockChange.Forget("h2")));
    }

    [Fact]
    public void Apply_LoadTheSaleAlreadyCounted_WritesNothing()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.LoadSale("fls_a", 5, 1))!.Apply(new StockChange.Reserve("h1", 2, Expires, "fls_a"))!;

        Assert.Null(shard.Apply(new StockChange.LoadSale("fls_a", 5, 1)));
    }

    [Fact]
    public void Apply_RebaseFromTheCurrentBasis_AddsTheDeltaToOnHandAndAvailable()
    {
        var shard = Shard(onHand: 10);

        var written = shard.Apply(new StockChange.Rebase(10, 14, 4, 1));

        Assert.Equal((14L, 14L, 14L), (written!.Basis, written.OnHand, written.Available));
    }

    [Fact]
    public void Apply_RebaseFromAnOldBasis_WritesNothing()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.Rebase(10, 14, 4, 1))!;

        Assert.Null(shard.Apply(new StockChange.Rebase(10, 14, 4, 1)));
    }

    [Fact]
    public void Apply_RebaseBelowWhatIsCommitted_LeavesAvailableNegative()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.Reserve("h1", 6, Expires, null))!.Apply(new StockChange.Commit("h1", 6))!;

        var written = shard.Apply(new StockChange.Rebase(10, 4, -6, 1));

        Assert.Equal((4L, -2L, 6L), (written!.OnHand, written.Available, written.Sold));
        Assert.Null(written.Apply(new StockChange.Reserve("h2", 1, Expires, null)));
    }

    [Fact]
    public void Apply_RestockOncePerReturn_PutsSoldUnitsBack()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.Reserve("h1", 3, Expires, null))!.Apply(new StockChange.Commit("h1", 3))!;

        var written = shard.Apply(new StockChange.Restock("r1", 2));

        Assert.Equal((9L, 1L), (written!.Available, written.Sold));
        Assert.Equal(2, written.Returns["r1"]);
        Assert.Null(written.Apply(new StockChange.Restock("r1", 2)));
    }

    [Fact]
    public void Apply_RestockToTheShardsSale_PutsTheUnitsBackInTheSaleToo()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.LoadSale("fls_a", 4, 1))!
            .Apply(new StockChange.Reserve("h1", 3, Expires, "fls_a"))!.Apply(new StockChange.Commit("h1", 3))!;

        var written = shard.Apply(new StockChange.Restock("r1", 2, "fls_a"));

        Assert.Equal((9L, 1L, 3L), (written!.Available, written.Sold, written.SaleLeft));
        Assert.Null(written.Apply(new StockChange.Restock("r1", 2, "fls_a")));
        Assert.Null(shard.Apply(new StockChange.Restock("r1", 2, "fls_b")));
    }

    [Fact]
    public void Apply_RestockMoreThanSold_WritesNothing()
    {
        var shard = Shard(onHand: 10).Apply(new StockChange.Reserve("h1", 3, Expires, null))!.Apply(new StockChange.Commit("h1", 3))!;

        Assert.Null(shard.Apply(new StockChange.Restock("r1", 4)));
    }

    private static StockShard Shard(long onHand) => new()
    {
        Id = StockShard.IdOf("prd_1", "sku-1", 0),
        MerchantId = "m1",
        ProductId = "prd_1",
        SkuId = "sku-1",
        Index = 0,
        Count = 1,
        Basis = onHand,
        OnHand = onHand,
        Available = onHand,
        Reserved = 0,
        Sold = 0,
    };
}

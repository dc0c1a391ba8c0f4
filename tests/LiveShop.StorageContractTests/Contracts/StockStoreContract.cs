using System.Text.Json.Nodes;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage;

namespace LiveShop.StorageContractTests.Contracts;

/// <summary>
/// The <see cref="IStockStore"/> contract: every store applies each <see cref="StockChange"/> exactly as
/// <see cref="StockShard.Apply"/> defines it, atomically, and refuses it (writing nothing) when its condition fails.
/// </summary>
public abstract class StockStoreContract
{
    protected static CancellationToken None => CancellationToken.None;

    protected abstract IStockStore Store { get; }

    public static TheoryData<string> Scripts => new() { "reserve-commit", "sale", "release-forget", "rebase-restock", "ledger-hold-ids" };

    /// <summary>Hold ids as the ledger makes them (the local Cosmos server's launcher compiles their conditions once per shape).</summary>
    private static readonly string HoldA = StockLedger.HoldIdFor("chk_contract_a", 0);
    private static readonly string HoldB = StockLedger.HoldIdFor("chk_contract_b", 0);

    [Fact]
    public async Task TryCreate_Twice_CreatesOnceAndKeepsTheFirst()
    {
        var shard = Documents.Shard(available: 10);

        Assert.True(await Store.TryCreateAsync(shard, None));
        Assert.False(await Store.TryCreateAsync(shard with { Available = 99, OnHand = 99 }, None));

        var read = Assert.Single(await Store.ReadAsync([shard.Id], None));
        Assert.True(Documents.SameJson(shard, read));
    }

    [Fact]
    public async Task Read_ManyIdsInTheirOwnPartitions_ReturnsTheExistingOnes()
    {
        var shards = Enumerable.Range(0, 3).Select(i => Documents.Shard(available: i + 1)).ToList();
        foreach (var shard in shards)
        {
            await Store.TryCreateAsync(shard, None);
        }

        var read = await Store.ReadAsync([.. shards.Select(s => s.Id), Documents.UniqueId("stk"), shards[0].Id], None);

        Assert.Equal(shards.Select(s => s.Id).Order(), read.Select(s => s.Id).Order());
    }

    [Fact]
    public async Task TryApply_MissingShard_ReturnsNull()
    {
        Assert.Null(await Store.TryApplyAsync(Documents.UniqueId("stk"), new StockChange.Rebase(0, 1, 1, 1), None));
    }

    /// <summary>Each script step is applied to the store and to the model; the store must agree with the model every time.</summary>
    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task TryApply_EveryChange_AgreesWithTheModel(string script)
    {
        var model = Documents.Shard(available: 10);
        await Store.TryCreateAsync(model, None);
        var applied = 0;

        foreach (var change in Script(script))
        {
            var expected = model.Apply(change);
            var written = await Store.TryApplyAsync(model.Id, change, None);

            Assert.True((expected is null) == (written is null), $"{script}: {change} was {(written is null ? "refused" : "applied")} by the store, {(expected is null ? "refused" : "applied")} by the model.");
            if (expected is not null)
            {
                Assert.True(Same(expected, written!), $"{script}: after {change} the store holds {Documents.Json(written)} but the model {Documents.Json(expected)}.");
                model = expected;
                applied++;
            }

            Assert.True(Same(model, Assert.Single(await Store.ReadAsync([model.Id], None))));
        }

        Assert.True(applied >= 3, "A script must apply changes, not only refuse them.");
    }

    [Fact]
    public async Task Reserve_TwoHundredBuyersForFiftyUnits_ExactlyFiftyGetAUnit()
    {
        var shard = Documents.Shard(available: 50);
        await Store.TryCreateAsync(shard, None);

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            Store.TryApplyAsync(shard.Id, new StockChange.Reserve($"h{i:x8}", 1, 1_900_000_000, null), None)));

        Assert.Equal(50, results.Count(r => r is not null));
        var final = Assert.Single(await Store.ReadAsync([shard.Id], None));
        Assert.Equal((0, 50, 0, 0L), (final.Available, final.Reserved, final.Sold, final.Marks));
        Assert.Equal(50, final.Holds.Count);
    }

    [Fact]
    public async Task ListWithHolds_FindsShardsWithOpenOrReleasedHoldsOnly()
    {
        var untouched = Documents.Shard(available: 5);
        var holding = Documents.Shard(available: 5);
        var released = Documents.Shard(available: 5);
        var committed = Documents.Shard(available: 5);
        foreach (var shard in new[] { untouched, holding, released, committed })
        {
            await Store.TryCreateAsync(shard, None);
        }

        await Store.TryApplyAsync(holding.Id, new StockChange.Reserve("habc", 1, 1_900_000_000, null), None);
        await Store.TryApplyAsync(released.Id, new StockChange.Reserve("hdef", 2, 1_900_000_000, null), None);
        await Store.TryApplyAsync(released.Id, new StockChange.Release("hdef", 2, null), None);
        await Store.TryApplyAsync(committed.Id, new StockChange.Reserve("hghi", 2, 1_900_000_000, null), None);
        await Store.TryApplyAsync(committed.Id, new StockChange.Commit("hghi", 2), None);

        var listed = (await Store.ListWithHoldsAsync(None)).Select(s => s.Id).ToHashSet();

        Assert.Contains(holding.Id, listed);
        Assert.Contains(released.Id, listed);
        Assert.DoesNotContain(untouched.Id, listed);
        Assert.DoesNotContain(committed.Id, listed);
    }

    private static IEnumerable<StockChange> Script(string name) => name switch
    {
        "reserve-commit" =>
        [
            new StockChange.Reserve("h1", 3, 1_900_000_000, null),
            new StockChange.Reserve("h1", 3, 1_900_000_000, null),   // the same hold again: refused
            new StockChange.Reserve("h2", 8, 1_900_000_000, null),   // 7 left: refused
            new StockChange.Reserve("h2", 7, 1_900_000_000, null),
            new StockChange.Commit("h1", 2),                         // wrong quantity: refused
            new StockChange.Commit("h1", 3),
            new StockChange.Commit("h1", 3),                         // already sold: refused
            new StockChange.Release("h1", 3, null),                  // finished: refused
        ],
        "sale" =>
        [
            new StockChange.Reserve("h1", 1, 1_900_000_000, "fls_a"), // sale not loaded: refused
            new StockChange.LoadSale("fls_a", 4, 100),
            new StockChange.LoadSale("fls_a", 9, 150),               // already counting it: refused
            new StockChange.Reserve("h1", 3, 1_900_000_000, "fls_a"),
            new StockChange.Reserve("h2", 2, 1_900_000_000, "fls_a"), // 1 left in the sale: refused
            new StockChange.Reserve("h2", 2, 1_900_000_000, null),   // the regular stock still has units
            new StockChange.Release("h1", 3, "fls_a"),               // back to the sale
            new StockChange.LoadSale("fls_b", 2, 200),               // a newer sale replaces it
            new StockChange.LoadSale("fls_a", 4, 100),               // the older one cannot come back: refused
            new StockChange.Release("h2", 2, "fls_a"),               // not the shard's sale: refused
            new StockChange.Release("h2", 2, null),
            new StockChange.Reserve("h3", 2, 1_900_000_000, "fls_b"),
            new StockChange.Commit("h3", 2),
            new StockChange.Restock("h3_undo", 2, "fls_a"),          // not the shard's sale: refused
            new StockChange.Restock("h3_undo", 2, "fls_b"),          // back to the sale
            new StockChange.Restock("h3_undo", 2, "fls_b"),          // the same return: refused
        ],
        "release-forget" =>
        [
            new StockChange.Forget("h1"),                            // no such hold: refused
            new StockChange.Reserve("h1", 4, 1_800_000_000, null),
            new StockChange.Forget("h1"),                            // still open: refused
            new StockChange.Release("h1", 4, null),
            new StockChange.Forget("h1"),
            new StockChange.Forget("h1"),                            // gone: refused
        ],
        "rebase-restock" =>
        [
            new StockChange.Rebase(99, 12, 2, 100),                  // not the shard's basis: refused
            new StockChange.Rebase(10, 12, 2, 100),
            new StockChange.Rebase(10, 14, 4, 200),                  // moved on already: refused
            new StockChange.Rebase(12, 10, -2, 50),                  // an older declaration: refused
            new StockChange.Restock("r1", 1),                        // nothing sold: refused
            new StockChange.Reserve("h1", 5, 1_900_000_000, null),
            new StockChange.Commit("h1", 5),
            new StockChange.Restock("r1", 2),
            new StockChange.Restock("r1", 2),                        // the same return: refused
            new StockChange.Restock("r2", 4),                        // only 3 sold left: refused
            new StockChange.Rebase(12, 1, -2, 300),                  // a cut below what is committed: available goes negative
        ],
        "ledger-hold-ids" =>
        [
            new StockChange.Reserve(HoldA, 3, 1_900_000_000, null),
            new StockChange.Reserve(HoldA, 3, 1_900_000_000, null),   // the same hold again: refused
            new StockChange.Reserve(HoldB, 7, 1_900_000_000, null),
            new StockChange.Reserve(HoldB, 1, 1_900_000_000, null),   // nothing left (and B is held): refused
            new StockChange.Commit(HoldB, 7),
            new StockChange.Commit(HoldA, 2),                         // wrong quantity: refused
            new StockChange.Commit(HoldA, 3),
            new StockChange.Commit(HoldA, 3),                         // already sold: refused
            new StockChange.Release(HoldB, 7, null),                  // finished: refused
            new StockChange.Forget(HoldA),
            new StockChange.Forget(HoldA),                            // gone: refused
        ],
        _ => throw new ArgumentException(name, nameof(name)),
    };

    /// <summary>Equal as stored data (the store's own system properties aside).</summary>
    private static bool Same(StockShard expected, StockShard actual) =>
        JsonNode.DeepEquals(Documents.Json(expected), Documents.Json(actual));
}

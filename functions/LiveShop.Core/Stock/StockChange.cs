namespace LiveShop.Core.Stock;

/// <summary>
/// A change to one stock shard, applied only if its condition holds (else nothing is written). Each is one atomic
/// write: on Cosmos DB a patch with a filter predicate, never a read-modify-write. <see cref="StockShard.Apply"/> says
/// what each does; the conditions make every change safe to repeat (an activity may run more than once).
/// </summary>
public abstract record StockChange
{
    private StockChange()
    {
    }

    /// <summary>
    /// Holds <paramref name="Quantity"/> units under <paramref name="HoldId"/> if that many are available (and, for a
    /// flash-sale purchase, left in the sale <paramref name="SaleId"/>, which this shard must have loaded) and the hold
    /// does not exist yet.
    /// </summary>
    public sealed record Reserve(string HoldId, long Quantity, long ExpiresAt, string? SaleId) : StockChange;

    /// <summary>Turns an open hold of <paramref name="Quantity"/> units into sold units; the hold is gone after.</summary>
    public sealed record Commit(string HoldId, long Quantity) : StockChange;

    /// <summary>
    /// Gives an open hold's units back; with <paramref name="ToSale"/> also back to that flash sale's units, which
    /// requires the shard to still count that sale.
    /// </summary>
    public sealed record Release(string HoldId, long Quantity, string? ToSale) : StockChange;

    /// <summary>Drops a released hold's mark (the sweep, once no retry can still ask about it).</summary>
    public sealed record Forget(string HoldId) : StockChange;

    /// <summary>
    /// Starts counting a flash sale's units on this shard, if it counts another one (or none) that is older: sales are
    /// ordered by <paramref name="Version"/> (their creation time in ticks), so a stale copy of a product can never
    /// bring back an older sale's units.
    /// </summary>
    public sealed record LoadSale(string SaleId, long Units, long Version) : StockChange;

    /// <summary>
    /// Moves the shard from one declared on-hand total to another, adding <paramref name="Delta"/> units to its part,
    /// if the declaration is newer than the one the shard reflects (<paramref name="Version"/>: the product's
    /// UpdatedAt in ticks), so a stale copy of the product can never undo a newer declaration.
    /// </summary>
    public sealed record Rebase(long FromBasis, long ToBasis, long Delta, long Version) : StockChange;

    /// <summary>
    /// Puts sold units back on sale (after a refund, or a checkout undone after its units were sold), once per
    /// <paramref name="ReturnId"/>; with <paramref name="ToSale"/> also back to that flash sale's units, which requires
    /// the shard to still count that sale.
    /// </summary>
    public sealed record Restock(string ReturnId, long Quantity, string? ToSale = null) : StockChange;
}

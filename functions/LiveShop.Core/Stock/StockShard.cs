using System.Text.Json.Serialization;
using LiveShop.Core.Storage;

namespace LiveShop.Core.Stock;

/// <summary>
/// One shard of a SKU's stock, stored in the stock container (partition key: id, so every shard is its own logical
/// partition and a hot SKU's writes spread over several). The SKU's declared on-hand units are split over its shards;
/// each shard keeps on hand = available + reserved + sold for its part, the units of the open flash sale it may still sell,
/// and the holds (reservations) it has given, keyed by hold id, so that every change is one conditional write that can
/// be applied at most once (see <see cref="StockChange"/>).
/// </summary>
/// <remarks>
/// The JSON names are single lower-case words: conditional writes on Cosmos DB test them in a filter predicate.
/// </remarks>
public sealed record StockShard : IDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("merchantId")]
    public required string MerchantId { get; init; }

    [JsonPropertyName("productId")]
    public required string ProductId { get; init; }

    [JsonPropertyName("skuId")]
    public required string SkuId { get; init; }

    /// <summary>This shard's number, 0 to <see cref="Count"/> - 1.</summary>
    [JsonPropertyName("index")]
    public required int Index { get; init; }

    /// <summary>How many shards the SKU's stock is split into.</summary>
    [JsonPropertyName("count")]
    public required int Count { get; init; }

    /// <summary>The SKU's declared on-hand total this shard's part was computed from.</summary>
    [JsonPropertyName("basis")]
    public required long Basis { get; init; }

    /// <summary>The version (the product's UpdatedAt, in ticks) of the declaration <see cref="Basis"/> comes from.</summary>
    [JsonPropertyName("basisat")]
    public long BasisVersion { get; init; }

    [JsonPropertyName("onhand")]
    public required long OnHand { get; init; }

    /// <summary>On hand - reserved - sold; negative when the merchant declared fewer units than are already committed.</summary>
    [JsonPropertyName("available")]
    public required long Available { get; init; }

    [JsonPropertyName("reserved")]
    public required long Reserved { get; init; }

    [JsonPropertyName("sold")]
    public required long Sold { get; init; }

    /// <summary>The flash sale whose units <see cref="SaleLeft"/> counts, once a buyer of that sale reached this shard (absent before).</summary>
    [JsonPropertyName("sale")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sale { get; init; }

    /// <summary>This shard's part of the sale's allotment not yet reserved or sold.</summary>
    [JsonPropertyName("saleleft")]
    public long SaleLeft { get; init; }

    /// <summary>The version (the sale's creation time, in ticks) of <see cref="Sale"/>; 0 before any.</summary>
    [JsonPropertyName("saleat")]
    public long SaleVersion { get; init; }

    /// <summary>
    /// Holds given by this shard, by hold id: open ones, and released ones (marked) until the sweep drops them. A
    /// committed hold is gone: its units are in <see cref="Sold"/>, and a hold a checkout placed here that is neither
    /// open nor marked released was committed (the shard stays small while a flash sale sells thousands of units).
    /// </summary>
    [JsonPropertyName("holds")]
    public IReadOnlyDictionary<string, StockHold> Holds { get; init; } = new Dictionary<string, StockHold>();

    /// <summary>
    /// How many released holds <see cref="Holds"/> keeps marked (so the sweep finds shards with open holds, reserved
    /// &gt; 0, or marks to drop, without reserving and committing touching this count).
    /// </summary>
    [JsonPropertyName("marks")]
    public long Marks { get; init; }

    /// <summary>Units returned to stock after refunds, by return id (so a return is applied once).</summary>
    [JsonPropertyName("returns")]
    public IReadOnlyDictionary<string, long> Returns { get; init; } = new Dictionary<string, long>();

    [JsonIgnore]
    public string PartitionKey => Id;

    /// <summary>The id of shard <paramref name="index"/> of a SKU's stock.</summary>
    public static string IdOf(string productId, string skuId, int index) => $"stk_{productId}_{skuId}_{index}";

    /// <summary>This shard's part of <paramref name="total"/> units split over <paramref name="count"/> shards (the first ones get the remainder).</summary>
    public static long PartOf(long total, int index, int count) => (total / count) + (index < total % count ? 1 : 0);

    /// <summary>The units of <paramref name="saleId"/> this shard can still sell: its part of the allotment until a buyer reached it.</summary>
    public long SaleUnitsLeft(string saleId, long allotment) =>
        Sale == saleId ? SaleLeft : PartOf(allotment, Index, Count);

    /// <summary>
    /// The shard after <paramref name="change"/>, or null when the change's condition does not hold (nothing is written).
    /// This is the meaning every store implements: in memory by calling it, on Cosmos DB as a filtered patch.
    /// </summary>
    public StockShard? Apply(StockChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change switch
        {
            StockChange.Reserve r when Available >= r.Quantity && !Holds.ContainsKey(r.HoldId)
                && (r.SaleId is null || (Sale == r.SaleId && SaleLeft >= r.Quantity)) => this with
                {
                    Available = Available - r.Quantity,
                    Reserved = Reserved + r.Quantity,
                    SaleLeft = r.SaleId is null ? SaleLeft : SaleLeft - r.Quantity,
                    Holds = With(Holds, r.HoldId, new StockHold(r.Quantity, r.ExpiresAt, r.SaleId, null)),
                },
            StockChange.Commit c when Open(c.HoldId, c.Quantity) is { } hold => this with
            {
                Reserved = Reserved - hold.Quantity,
                Sold = Sold + hold.Quantity,
                Holds = Holds.Where(h => h.Key != c.HoldId).ToDictionary(),
            },
            StockChange.Release r when Open(r.HoldId, r.Quantity) is { } hold && (r.ToSale is null || r.ToSale == Sale) => this with
            {
                Reserved = Reserved - hold.Quantity,
                Available = Available + hold.Quantity,
                SaleLeft = r.ToSale is null ? SaleLeft : SaleLeft + hold.Quantity,
                Holds = With(Holds, r.HoldId, hold with { Outcome = StockHold.Released }),
                Marks = Marks + 1,
            },
            StockChange.Forget f when Holds.TryGetValue(f.HoldId, out var hold) && hold.Outcome == StockHold.Released => this with
            {
                Holds = Holds.Where(h => h.Key != f.HoldId).ToDictionary(),
                Marks = Marks - 1,
            },
            StockChange.LoadSale l when Sale != l.SaleId && l.Version > SaleVersion => this with { Sale = l.SaleId, SaleLeft = l.Units, SaleVersion = l.Version },
            StockChange.Rebase b when Basis == b.FromBasis && b.Version > BasisVersion => this with
            {
                Basis = b.ToBasis,
                BasisVersion = b.Version,
                OnHand = OnHand + b.Delta,
                Available = Available + b.Delta,
            },
            StockChange.Restock r when Sold >= r.Quantity && !Returns.ContainsKey(r.ReturnId) && (r.ToSale is null || r.ToSale == Sale) => this with
            {
                Sold = Sold - r.Quantity,
                Available = Available + r.Quantity,
                SaleLeft = r.ToSale is null ? SaleLeft : SaleLeft + r.Quantity,
                Returns = With(Returns, r.ReturnId, r.Quantity),
            },
            _ => null,
        };
    }

    /// <summary>The hold <paramref name="holdId"/> if it is open (neither released nor committed); null otherwise.</summary>
    public StockHold? OpenHold(string holdId) =>
        Holds.TryGetValue(holdId, out var hold) && hold.Outcome is null ? hold : null;

    /// <summary>The hold, if it is open and of <paramref name="quantity"/> units.</summary>
    private StockHold? Open(string holdId, long quantity) =>
        OpenHold(holdId) is { } hold && hold.Quantity == quantity ? hold : null;

    private static Dictionary<string, TValue> With<TValue>(IReadOnlyDictionary<string, TValue> map, string key, TValue value) =>
        new(map) { [key] = value };
}

/// <summary>Units a shard holds for one checkout line until they are sold or released, or the hold expires.</summary>
/// <param name="Quantity">The units held.</param>
/// <param name="ExpiresAt">Unix seconds (the checkout's hold time rounded up) from which the sweep releases the hold if it is still open.</param>
/// <param name="Sale">The flash sale whose allotment the units came from, if any.</param>
/// <param name="Outcome">Absent while open; <see cref="Released"/> once released (a committed hold is removed).</param>
public sealed record StockHold(
    [property: JsonPropertyName("q")] long Quantity,
    [property: JsonPropertyName("exp")] long ExpiresAt,
    [property: JsonPropertyName("sale"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sale,
    [property: JsonPropertyName("done"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Outcome)
{
    public const string Released = "released";
}

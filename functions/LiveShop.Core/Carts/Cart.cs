using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using LiveShop.Core.Catalog;
using LiveShop.Core.Storage;

namespace LiveShop.Core.Carts;

/// <summary>
/// One shopper's cart in one market, stored in the carts container (partition key: ownerKey; id: the market code, so a
/// shopper has one cart per market and reading it is a point read). It expires after <see cref="Ttl"/> idle seconds.
/// </summary>
/// <param name="SalePurchases">Units of each flash sale this shopper has bought (kept here so that adding a sale SKU needs no other read).</param>
/// <param name="Merges">
/// The guest handovers merged into this cart ("guestKey@handoverId", newest last; null when none), so a retried merge
/// adds nothing twice even when other guests merged since. One per guest: a guest cart hands over again only after its
/// previous handover was taken and let go, so that one can no longer be retried.
/// </param>
/// <param name="Handover">A guest cart's lines on their way into a signed-in shopper's cart (set while a merge runs).</param>
public sealed record Cart(
    string Id,
    string OwnerKey,
    string Market,
    IReadOnlyList<CartLine> Lines,
    IReadOnlyDictionary<string, long> SalePurchases,
    IReadOnlyList<string>? Merges,
    CartHandover? Handover,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int? Ttl) : IExpiringDocument
{
    /// <summary>At most this many lines.</summary>
    public const int MaxLines = 50;

    /// <summary>At most this many units on one line.</summary>
    public const long MaxQuantityPerLine = 99;

    /// <summary>Sale purchase counts kept (the oldest are dropped first).</summary>
    public const int MaxSalePurchases = 50;

    /// <summary>Checkouts whose purchase this cart recorded, newest last (a checkout's record is applied once).</summary>
    public const int MaxPurchasesRemembered = 20;

    /// <summary>Guests whose last handover is remembered in <see cref="Merges"/> (the oldest are dropped first).</summary>
    public const int MaxMergesRemembered = 20;

    /// <summary>The last checkouts whose purchase was recorded here (see <see cref="MaxPurchasesRemembered"/>).</summary>
    public IReadOnlyList<string> Purchases { get; init; } = [];

    [JsonIgnore]
    public string PartitionKey => OwnerKey;

    public static Cart Empty(CartOwner owner, string market, DateTimeOffset now, int ttl)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return new(market, owner.Key, market, [], new Dictionary<string, long>(), null, null, now, now, ttl);
    }

    public CartLine? Find(string lineId) => Lines.FirstOrDefault(l => l.LineId == lineId);

    public long BoughtIn(string saleId) => SalePurchases.GetValueOrDefault(saleId);

    /// <summary>Whether this cart took the lines of the guest's handover already.</summary>
    public bool Took(string guestKey, string handoverId) =>
        Merges?.Contains(MergeMarker(guestKey, handoverId), StringComparer.Ordinal) == true;

    /// <summary>The merges remembered once this cart took the guest's handover: it replaces the guest's earlier one.</summary>
    public IReadOnlyList<string> MergesWith(string guestKey, string handoverId) =>
    [
        .. (Merges ?? []).Where(m => !m.StartsWith(guestKey + "@", StringComparison.Ordinal)).TakeLast(MaxMergesRemembered - 1),
        MergeMarker(guestKey, handoverId),
    ];

    private static string MergeMarker(string guestKey, string handoverId) => $"{guestKey}@{handoverId}";

    [JsonIgnore]
    public long ItemCount => Lines.Sum(l => l.Quantity);
}

/// <param name="AddedUnitPrice">The unit price that applied when the line was added (to flag a price change since).</param>
/// <param name="StreamId">The live stream the line was added from, if any.</param>
public sealed record CartLine(
    string LineId,
    string MerchantId,
    string ProductId,
    string SkuId,
    long Quantity,
    string? StreamId,
    Money.Money AddedUnitPrice,
    DateTimeOffset AddedAt)
{
    [JsonIgnore]
    public SkuRef Sku => new(MerchantId, ProductId, SkuId);

    /// <summary>A line's id: short, stable for its SKU, and safe in a route.</summary>
    public static string IdFor(SkuRef sku)
    {
        ArgumentNullException.ThrowIfNull(sku);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{sku.MerchantId}/{sku.ProductId}/{sku.SkuId}"));
        return "ln_" + Convert.ToHexStringLower(hash.AsSpan(0, 10));
    }
}

/// <summary>Lines a guest cart hands over to the cart of <paramref name="To"/> (an owner key) during a merge; <paramref name="Id"/> names this handover.</summary>
public sealed record CartHandover(string Id, string To, IReadOnlyList<CartLine> Lines);

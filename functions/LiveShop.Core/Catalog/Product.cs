using System.Text.Json.Serialization;
using LiveShop.Core.Sales;
using LiveShop.Core.Storage;

namespace LiveShop.Core.Catalog;

/// <summary>A merchant's product in one market, stored in the products container (partition key: merchantId).</summary>
public sealed record Product(
    string Id,
    string MerchantId,
    string Market,
    string Title,
    string Description,
    IReadOnlyList<string> ImageUrls,
    IReadOnlyList<Sku> Skus,
    ProductStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt) : IDocument, Events.IHasOutbox
{
    [JsonIgnore]
    public string PartitionKey => MerchantId;

    /// <summary>The domain events its recent changes raised (written with them; see <see cref="Events.EventOutbox"/>).</summary>
    public Events.EventOutbox? Outbox { get; init; }

    [JsonIgnore]
    public bool IsArchived => Status == ProductStatus.Archived;

    /// <summary>
    /// The product's flash sales, newest last (kept with the product so that pricing a SKU needs only the product read).
    /// Merchants change them through <see cref="FlashSaleService"/>; replacing the product keeps them.
    /// </summary>
    public IReadOnlyList<FlashSale> Sales { get; init; } = [];

    public Sku? FindSku(string skuId) => Skus.FirstOrDefault(s => s.Id == skuId);

    /// <summary>
    /// The sale of the SKU that is not over at <paramref name="now"/>, if any: the active one, else the next upcoming one
    /// (a SKU's sales never overlap, but the next one can be scheduled while one runs).
    /// </summary>
    public FlashSale? OpenSale(string skuId, DateTimeOffset now) => OpenSales(skuId, now).MinBy(s => s.StartsAt);

    /// <summary>
    /// The SKU's open sale as a buyer from <paramref name="streamId"/> sees it: a LIVE flash sale is stream-only, so its
    /// deal price, per-customer limit and claim apply only to purchases made from the live stream it was defined in.
    /// This is the open sale of the SKU defined in that stream (the active one, else the next upcoming one); null when
    /// the purchase names no stream or the SKU has no open sale there: it is then a regular purchase, even while a sale
    /// of another stream runs. Stock stays counted per SKU whatever the stream (the ledger uses
    /// <see cref="OpenSale(string, DateTimeOffset)"/>; as sales never overlap, an active sale is also the SKU's open one).
    /// </summary>
    public FlashSale? OpenSaleIn(string skuId, string? streamId, DateTimeOffset now) =>
        streamId is null
            ? null
            : OpenSales(skuId, now).Where(s => s.StreamId == streamId).MinBy(s => s.StartsAt);

    /// <summary>The SKU's sales not over at <paramref name="now"/> (active or upcoming).</summary>
    private IEnumerable<FlashSale> OpenSales(string skuId, DateTimeOffset now) =>
        Sales.Where(s => s.SkuId == skuId && s.PhaseAt(now) != FlashSalePhase.Ended);
}

/// <summary>A variant of a product (size, colour...) with its own price and stock on hand.</summary>
public sealed record Sku(string Id, IReadOnlyDictionary<string, string> Attributes, Money.Money Price, long StockOnHand);

public enum ProductStatus
{
    Active,
    Archived,
}

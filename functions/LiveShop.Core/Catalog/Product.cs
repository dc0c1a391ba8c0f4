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
    DateTimeOffset UpdatedAt) : IDocument
{
    [JsonIgnore]
    public string PartitionKey => MerchantId;

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
    public FlashSale? OpenSale(string skuId, DateTimeOffset now) =>
        Sales.Where(s => s.SkuId == skuId && s.PhaseAt(now) != FlashSalePhase.Ended).MinBy(s => s.StartsAt);
}

/// <summary>A variant of a product (size, colour...) with its own price and stock on hand.</summary>
public sealed record Sku(string Id, IReadOnlyDictionary<string, string> Attributes, Money.Money Price, long StockOnHand);

public enum ProductStatus
{
    Active,
    Archived,
}

namespace LiveShop.Core.Catalog;

/// <summary>Names one SKU of one merchant's product (the key of stock, cart lines and order lines).</summary>
public sealed record SkuRef(string MerchantId, string ProductId, string SkuId)
{
    public static SkuRef Of(Product product, Sku sku)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentNullException.ThrowIfNull(sku);
        return new(product.MerchantId, product.Id, sku.Id);
    }
}

namespace LiveShop.Core.Carts;

/// <summary>Adds units of a SKU (to its line, if the cart has one).</summary>
public sealed record AddCartLineInput(string? MerchantId, string? ProductId, string? SkuId, long? Quantity, string? StreamId);

/// <summary>Sets a line's quantity.</summary>
public sealed record CartQuantityInput(long? Quantity);

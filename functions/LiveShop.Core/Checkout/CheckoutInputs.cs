namespace LiveShop.Core.Checkout;

/// <summary>
/// What a viewer sends to check out: the market, the card (a payment provider's token) and exactly one of
/// <paramref name="BuyNow"/> (one SKU straight from a pinned product) or <paramref name="FromCart"/> (the cart's lines
/// of one merchant).
/// </summary>
public sealed record CheckoutInput(string? Market, string? PaymentMethod, BuyNowInput? BuyNow, FromCartInput? FromCart);

public sealed record BuyNowInput(string? MerchantId, string? ProductId, string? SkuId, long? Quantity, string? StreamId);

/// <param name="MerchantId">Whose lines to buy; may be left out when the cart holds one merchant's lines only.</param>
public sealed record FromCartInput(string? MerchantId);

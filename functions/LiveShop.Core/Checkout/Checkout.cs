using System.Text.Json.Serialization;
using LiveShop.Core.Catalog;
using LiveShop.Core.Storage;

namespace LiveShop.Core.Checkout;

/// <summary>
/// One checkout a viewer started: the request (its Idempotency-Key's identity), the order it creates and where it
/// stands. Stored in the checkouts container (partition key: buyerId; id: derived from the buyer and the key, so a
/// retried request finds it and cannot start a second one). Its orchestration has the same id.
/// </summary>
/// <param name="RequestHash">A hash of the request body: the same key with another body is refused.</param>
/// <param name="OrderId">The id the order gets once stock is reserved (time-ordered, fixed when the checkout is created).</param>
/// <param name="HasOrder">Whether the order was created (the checkout got past its reservation).</param>
/// <param name="PaymentClientSecret">While the payment awaits the buyer's action: the secret the buyer's app completes it with in the provider's SDK (only the buyer reads its checkout).</param>
public sealed record Checkout(
    string Id,
    string BuyerId,
    string OrderId,
    string RequestHash,
    string Market,
    string MerchantId,
    CheckoutSource Source,
    IReadOnlyList<CheckoutItem> Items,
    string PaymentMethod,
    CheckoutStatus Status,
    CheckoutRejection? Rejection,
    string? NextActionUrl,
    string? PaymentClientSecret,
    Money.Money? Total,
    bool HasOrder,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt) : IDocument
{
    [JsonIgnore]
    public string PartitionKey => BuyerId;

    [JsonIgnore]
    public bool IsFinal => Status is CheckoutStatus.Paid or CheckoutStatus.Rejected;
}

/// <summary>Units of one SKU to buy, and the live stream they were bought from, if any.</summary>
public sealed record CheckoutItem(string MerchantId, string ProductId, string SkuId, long Quantity, string? StreamId)
{
    [JsonIgnore]
    public SkuRef Sku => new(MerchantId, ProductId, SkuId);
}

/// <summary>Why a checkout failed: a reason code (see <see cref="RejectionReasons"/>), the SKU it concerns, and a sentence.</summary>
public sealed record CheckoutRejection(string Reason, string? SkuId, string Detail);

/// <summary>The reason codes of a rejected checkout.</summary>
public static class RejectionReasons
{
    public const string OutOfStock = "out_of_stock";
    public const string SaleSoldOut = "sale_sold_out";
    public const string SaleLimitReached = "sale_limit_reached";
    public const string Unavailable = "unavailable";
    public const string PaymentDeclined = "payment_declined";
    public const string PaymentUnavailable = "payment_unavailable";
    public const string Expired = "expired";
    public const string Cancelled = "cancelled";

    /// <summary>The order would cost more than any order may (<see cref="Pricing.PriceBook.MaxTotalMinorUnits"/>).</summary>
    public const string TotalTooLarge = Pricing.PriceBook.TotalTooLarge;

    /// <summary>A step kept failing (storage unavailable); nothing was charged and nothing is held.</summary>
    public const string Failed = "failed";
}

public enum CheckoutSource
{
    Cart,
    BuyNow,
}

public enum CheckoutStatus
{
    Pending,
    AwaitingPaymentAction,
    Paid,
    Rejected,
}

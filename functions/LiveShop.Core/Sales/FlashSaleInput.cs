using LiveShop.Core.Catalog;

namespace LiveShop.Core.Sales;

/// <summary>What a merchant sends to put a SKU of a live stream's showcase on flash sale.</summary>
/// <param name="StartsAt">When the sale starts: 10 to 300 seconds from now (the countdown viewers see).</param>
/// <param name="DurationSeconds">How long it runs: 60 to 1,200 seconds (1 to 20 minutes).</param>
public sealed record FlashSaleInput(
    string? ProductId,
    string? SkuId,
    MoneyInput? DealPrice,
    long? Allotment,
    int? PerCustomerLimit,
    DateTimeOffset? StartsAt,
    int? DurationSeconds);

using System.Text.Json;
using System.Text.Json.Nodes;
using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Money;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage;
using LiveShop.Core.Streams;

namespace LiveShop.StorageContractTests.Contracts;

/// <summary>Builders for stored documents, with every kind of value a document holds (nested records, money, maps, offsets).</summary>
internal static class Documents
{
    public static readonly DateTimeOffset Created = new(2026, 11, 25, 9, 30, 15, 123, TimeSpan.FromHours(7));

    public static string UniqueId(string prefix) => $"{prefix}_{Guid.NewGuid():N}";

    public static Product Product(string merchantId, string? id = null, ProductStatus status = ProductStatus.Active) => new(
        id ?? UniqueId("prd"),
        merchantId,
        "GB",
        "Linen shirt",
        "Soft linen, relaxed fit. \"Quoted\" and unicode: ü ñ 漢字",
        ["https://img.example/1.jpg", "https://img.example/2.jpg"],
        [
            new Sku("sku_s", new Dictionary<string, string> { ["size"] = "S", ["colour"] = "sand" }, new Money(2499, Currencies.Get("GBP")), 12),
            new Sku("sku_m", new Dictionary<string, string> { ["size"] = "M" }, new Money(2599, Currencies.Get("GBP")), 0),
        ],
        status,
        Created,
        Created.AddMinutes(5));

    public static LiveStream Stream(string? id = null) => new(
        id ?? UniqueId("str"),
        UniqueId("mer"),
        "GB",
        "Autumn drop",
        Created.AddDays(1),
        "https://live.example/hls/1.m3u8",
        StreamStatus.Scheduled,
        null,
        null,
        ["prd_1", "prd_2"],
        Created,
        Created);

    public static Cart Cart(string ownerKey, string market = "uk", int? ttl = 3600) => new(
        market,
        ownerKey,
        market,
        [
            new CartLine("ln_0123456789abcdef0123", UniqueId("mer"), UniqueId("prd"), "sku_s", 2, "str_1", new Money(2499, Currencies.Get("GBP")), Created),
            new CartLine("ln_fedcba9876543210fedc", UniqueId("mer"), UniqueId("prd"), "sku.m-1", 99, null, new Money(150000, Currencies.Get("VND")), Created.AddMinutes(1)),
        ],
        new Dictionary<string, long> { ["fls_1"] = 2 },
        null,
        null,
        Created,
        Created.AddMinutes(2),
        ttl);

    /// <summary>A shard of a new SKU holding <paramref name="available"/> units, each test its own.</summary>
    public static StockShard Shard(long available = 10, int index = 0, int count = 1) => new()
    {
        Id = StockShard.IdOf(UniqueId("prd"), "sku_m", index),
        MerchantId = UniqueId("mer"),
        ProductId = UniqueId("prd"),
        SkuId = "sku_m",
        Index = index,
        Count = count,
        Basis = available * count,
        OnHand = available,
        Available = available,
        Reserved = 0,
        Sold = 0,
    };

    /// <summary>
    /// A checkout with every field set, the optional ones too (a stored document, not a consistent state: a rejection
    /// and a next action at once), its items with and without a stream. Its id and order id are unique unless given.
    /// </summary>
    public static Checkout Checkout(string buyerId, string? id = null, string? orderId = null, bool hasOrder = true)
    {
        var merchant = UniqueId("mer");
        return new Checkout(
            id ?? UniqueId("chk"),
            buyerId,
            orderId ?? UniqueId("ord"),
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "vn",
            merchant,
            CheckoutSource.BuyNow,
            [
                new CheckoutItem(merchant, UniqueId("prd"), "sku_s", 2, "str_1"),
                new CheckoutItem(merchant, UniqueId("prd"), "sku.m-1", 1_000_000, null),
            ],
            "pm_card_visa",
            CheckoutStatus.AwaitingPaymentAction,
            new CheckoutRejection(RejectionReasons.SaleLimitReached, "sku_s", "Limit 2 per customer. \"Quoted\" and unicode: ü ñ 漢字"),
            "https://pay.example/3ds?session=a&b=c",
            "pi_3Q_secret_xyz",
            new Money(25_000_000_000, Currencies.Get("VND")),
            hasOrder,
            Created,
            Created.AddMinutes(3));
    }

    /// <summary>
    /// A partly refunded order with every field set: a flash-sale line bought from a stream and a regular one, money in
    /// a two-decimal currency, a refund per state and refund line maps keyed by line number.
    /// </summary>
    public static Order Order(string merchantId, string? id = null)
    {
        var gbp = Currencies.Get("GBP");
        return new Order(
            id ?? UniqueId("ord"),
            merchantId,
            UniqueId("viewer"),
            "uk",
            [
                new OrderLine(1, UniqueId("prd"), "sku_s", "Linen shirt ü 漢字", new Dictionary<string, string> { ["size"] = "S", ["colour"] = "sand" },
                    2, new Money(1500, gbp), new Money(2499, gbp), "fls_1", "str_1", "h0123456789abcdef01234567", 1,
                    [new HeldUnits("stk_prd_1_sku_s_0", 1), new HeldUnits("stk_prd_1_sku_s_3", 1)]),
                new OrderLine(2, UniqueId("prd"), "sku.m-1", "Scarf", new Dictionary<string, string>(),
                    1, new Money(2599, gbp), new Money(2599, gbp), null, null, "hfedcba9876543210fedcba98", 0),
            ],
            new OrderAmounts(new Money(6597, gbp), new Money(1998, gbp), new Money(933, gbp), new Money(5599, gbp)),
            OrderStatus.PartiallyRefunded,
            new OrderPayment("stripe", "pi_3Q", Created.AddMinutes(1), Created.AddMinutes(2), new Money(1500, gbp)),
            [
                new OrderRefund("rfd_1", new Dictionary<int, long> { [1] = 1 }, new Money(1500, gbp), true, RefundState.Completed, Created.AddHours(1),
                    new Dictionary<int, IReadOnlyList<HeldUnits>> { [1] = [new HeldUnits("stk_prd_1_sku_s_3", 1)] }),
                new OrderRefund("rfd_2", new Dictionary<int, long> { [1] = 1, [2] = 1 }, new Money(4099, gbp), false, RefundState.Pending, Created.AddHours(2)),
            ],
            Created,
            Created.AddHours(2));
    }

    /// <summary>A buyer's claim of a sale (a new sale unless given) with an entry in every state.</summary>
    public static SaleClaim Claim(string buyerId, string? saleId = null) => new(
        saleId ?? UniqueId("fls"),
        buyerId,
        new Dictionary<string, ClaimEntry>
        {
            ["chk_0123456789abcdef0123456789abcdef"] = new(2, ClaimState.Held),
            ["chk_fedcba9876543210fedcba9876543210"] = new(1, ClaimState.Bought),
            ["chk_00112233445566778899aabbccddeeff"] = new(3, ClaimState.Released),
        });

    /// <summary>A buyer's open checkouts in a market (uk unless given): one of two SKUs, one of one.</summary>
    public static OpenCheckouts OpenCheckouts(string buyerId, string? id = null) => new(
        id ?? Core.Checkout.OpenCheckouts.IdFor("uk"),
        buyerId,
        new Dictionary<string, OpenCheckout>
        {
            ["chk_0123456789abcdef0123456789abcdef"] = new(new Dictionary<string, long> { ["prd_1/sku_s"] = 2, ["prd_2/sku.m-1"] = 1 }, Created.AddMinutes(20)),
            ["chk_fedcba9876543210fedcba9876543210"] = new(new Dictionary<string, long> { ["prd_1/sku_s"] = 10 }, Created.AddMinutes(25)),
        });

    public static PaymentEventRecord PaymentEvent(string? id = null) =>
        new(id ?? UniqueId("evt"), "payment_intent.amount_capturable_updated", Created.AddSeconds(42));

    public static JsonNode? Json<T>(T document) => JsonSerializer.SerializeToNode(document, StorageJson.Options);

    public static bool SameJson<T>(T left, T right) => JsonNode.DeepEquals(Json(left), Json(right));
}

using System.Text.Json;
using System.Text.Json.Nodes;
using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Money;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage;
using LiveShop.Core.Streams;

namespace LiveShop.StorageContractTests.Contracts;

/// <summary>Builders for stored documents, with every kind of value a document holds (nested records, money, maps, offsets).</summary>
internal static class Documents
{
    private static readonly DateTimeOffset Created = new(2026, 11, 25, 9, 30, 15, 123, TimeSpan.FromHours(7));

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

    public static JsonNode? Json<T>(T document) => JsonSerializer.SerializeToNode(document, StorageJson.Options);

    public static bool SameJson<T>(T left, T right) => JsonNode.DeepEquals(Json(left), Json(right));
}

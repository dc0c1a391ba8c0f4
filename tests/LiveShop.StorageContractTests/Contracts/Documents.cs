using System.Text.Json;
using System.Text.Json.Nodes;
using LiveShop.Core.Catalog;
using LiveShop.Core.Money;
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

    public static JsonNode? Json<T>(T document) => JsonSerializer.SerializeToNode(document, StorageJson.Options);

    public static bool SameJson<T>(T left, T right) => JsonNode.DeepEquals(Json(left), Json(right));
}

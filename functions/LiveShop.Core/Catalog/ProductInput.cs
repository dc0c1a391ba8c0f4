namespace LiveShop.Core.Catalog;

/// <summary>What a merchant sends to create or replace a product. Every field is checked by <see cref="ProductRules"/>.</summary>
public sealed record ProductInput(
    string? Market,
    string? Title,
    string? Description,
    IReadOnlyList<string>? ImageUrls,
    IReadOnlyList<SkuInput>? Skus);

public sealed record SkuInput(
    string? SkuId,
    IReadOnlyDictionary<string, string>? Attributes,
    MoneyInput? Price,
    long? StockOnHand);

/// <summary>An amount as clients send it: integer minor units and the ISO 4217 currency code.</summary>
public sealed record MoneyInput(long? MinorUnits, string? Currency);

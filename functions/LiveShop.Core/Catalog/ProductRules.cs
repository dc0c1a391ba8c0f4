using LiveShop.Core.Markets;
using LiveShop.Core.Money;
using LiveShop.Core.Validation;

namespace LiveShop.Core.Catalog;

/// <summary>The limits a product must respect, and the check that turns input into SKUs.</summary>
public static class ProductRules
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 5000;
    public const int MaxImages = 10;
    public const int MaxSkus = 50;
    public const int MaxAttributes = 10;
    public const int MaxAttributeNameLength = 40;
    public const int MaxAttributeValueLength = 100;
    public const long MaxPriceMinorUnits = 1_000_000_000_000;
    public const long MaxStock = 1_000_000_000;

    /// <summary>Validates the input against the market and returns the normalised fields; throws a validation problem listing every error.</summary>
    public static ValidProduct Validate(ProductInput? input)
    {
        var v = new Validator();
        if (input is null)
        {
            v.Add("$", "A JSON object with market, title and skus is required.");
            v.ThrowIfInvalid();
        }

        var market = v.Market("market", input!.Market);
        var title = v.Text("title", input.Title, 1, MaxTitleLength);
        var description = v.OptionalText("description", input.Description, MaxDescriptionLength, multiline: true);

        v.Count("imageUrls", input.ImageUrls ?? [], 0, MaxImages);
        var images = (input.ImageUrls ?? []).Select((url, i) => v.HttpsUrl($"imageUrls[{i}]", url)).ToList();

        v.Count("skus", input.Skus, 1, MaxSkus);
        var skus = new List<Sku>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (input.Skus?.Count ?? 0); i++)
        {
            var sku = ValidateSku(v, $"skus[{i}]", input.Skus![i], market);
            if (sku is null)
            {
                continue;
            }

            if (!seen.Add(sku.Id))
            {
                v.Add($"skus[{i}].skuId", $"'{sku.Id}' appears more than once.");
            }

            skus.Add(sku);
        }

        v.ThrowIfInvalid();
        return new ValidProduct(market!, title, description, images, skus);
    }

    private static Sku? ValidateSku(Validator v, string path, SkuInput? input, Market? market)
    {
        if (input is null)
        {
            v.Add(path, "must be an object.");
            return null;
        }

        var id = v.Identifier($"{path}.skuId", input.SkuId);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var given = input.Attributes ?? new Dictionary<string, string>();
        if (given.Count > MaxAttributes)
        {
            v.Add($"{path}.attributes", $"must have at most {MaxAttributes} entries (it has {given.Count}).");
        }

        foreach (var (name, value) in given)
        {
            var key = v.Text($"{path}.attributes", name, 1, MaxAttributeNameLength);
            if (!attributes.TryAdd(key, v.Text($"{path}.attributes.{name}", value, 1, MaxAttributeValueLength)))
            {
                v.Add($"{path}.attributes", $"'{key}' appears more than once (names are compared after trimming spaces).");
            }
        }

        v.Range($"{path}.stockOnHand", input.StockOnHand, 0, MaxStock);
        var price = ValidatePrice(v, $"{path}.price", input.Price, market);
        return price is null ? null : new Sku(id, attributes, price.Value, input.StockOnHand ?? 0);
    }

    private static Money.Money? ValidatePrice(Validator v, string path, MoneyInput? input, Market? market)
    {
        if (input is null)
        {
            v.Add(path, "is required.");
            return null;
        }

        v.Range($"{path}.minorUnits", input.MinorUnits, 1, MaxPriceMinorUnits);
        if (input.Currency is null)
        {
            v.Add($"{path}.currency", "is required.");
            return null;
        }

        if (!Currencies.TryGet(input.Currency, out var currency))
        {
            v.Add($"{path}.currency", $"'{input.Currency}' is not a supported ISO 4217 currency.");
            return null;
        }

        if (market is not null && !currency.Equals(market.Currency))
        {
            v.Add($"{path}.currency", $"must be {market.Currency.Code}, the currency of market '{market.Code}' (it is {currency.Code}).");
        }

        return new Money.Money(input.MinorUnits ?? 0, currency);
    }
}

/// <summary>Product fields that passed validation.</summary>
public sealed record ValidProduct(
    Market Market,
    string Title,
    string Description,
    IReadOnlyList<string> ImageUrls,
    IReadOnlyList<Sku> Skus);

using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using LiveShop.Core.Markets;

namespace LiveShop.Core.Money;

/// <summary>The currencies the market registry uses, with their ISO 4217 exponents (from markets.json).</summary>
public static class Currencies
{
    private static readonly Dictionary<string, Currency> ByCode =
        MarketsFile.Instance.Currencies.ToDictionary(
            c => c.Code,
            c => new Currency(c.Code, c.Exponent),
            StringComparer.Ordinal);

    public static IReadOnlyCollection<Currency> All => ByCode.Values;

    public static bool TryGet(string? code, [NotNullWhen(true)] out Currency? currency)
    {
        if (code is null)
        {
            currency = null;
            return false;
        }

        return ByCode.TryGetValue(code, out currency);
    }

    public static Currency Get(string code) =>
        TryGet(code, out var currency) ? currency : throw new ArgumentException($"Unknown currency '{code}'.", nameof(code));
}

internal sealed class CurrencyJsonConverter : JsonConverter<Currency>
{
    public override Currency Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var code = reader.GetString();
        return Currencies.TryGet(code, out var currency)
            ? currency
            : throw new JsonException($"Unknown currency '{code}'.");
    }

    public override void Write(Utf8JsonWriter writer, Currency value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Code);
}

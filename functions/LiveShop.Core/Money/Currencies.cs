using System.Diagnostics.CodeAnalysis;
using System.Globalization;
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

    /// <summary>Each currency's symbol as written in the locale of the (first) market that uses it: GBP "£", VND "₫".</summary>
    private static readonly Dictionary<string, string> HomeSymbols = MarketsFile.Instance.Markets
        .GroupBy(m => m.Currency, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => CultureInfo.GetCultureInfo(g.First().Locale).NumberFormat.CurrencySymbol, StringComparer.Ordinal);

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

    /// <summary>
    /// The symbol to show <paramref name="currency"/> with in <paramref name="culture"/>: the culture's own symbol when its
    /// region uses that currency, else the currency's symbol in its home market, else (when that symbol would read as the
    /// culture's own currency, e.g. SGD "$" in en-US) the ISO code.
    /// </summary>
    public static string Symbol(Currency currency, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(currency);
        ArgumentNullException.ThrowIfNull(culture);
        var own = culture.NumberFormat.CurrencySymbol;
        if (RegionCurrency(culture) == currency.Code)
        {
            return own;
        }

        return HomeSymbols.TryGetValue(currency.Code, out var home) && home != own ? home : currency.Code;
    }

    public static Currency Get(string code) =>
        TryGet(code, out var currency) ? currency : throw new ArgumentException($"Unknown currency '{code}'.", nameof(code));

    private static string? RegionCurrency(CultureInfo culture)
    {
        if (culture.IsNeutralCulture || string.IsNullOrEmpty(culture.Name))
        {
            return null;
        }

        try
        {
            return new RegionInfo(culture.Name).ISOCurrencySymbol;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
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

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using LiveShop.Core.Definitions;
using LiveShop.Core.Money;

namespace LiveShop.Core.Markets;

/// <summary>Every market, loaded once from Definitions/markets.json (which infra/ reads too).</summary>
public static class MarketRegistry
{
    private static readonly Dictionary<string, Market> ByCode = MarketsFile.Instance.Markets.ToDictionary(
        m => m.Code,
        m => new Market(
            m.Code,
            m.Name,
            Currencies.Get(m.Currency),
            CultureInfo.GetCultureInfo(m.Locale),
            m.PricesIncludeTax,
            m.TaxRateBasisPoints,
            m.TaxName,
            m.CheckoutLimits ?? throw new InvalidOperationException($"markets.json: market '{m.Code}' has no checkoutLimits.")),
        StringComparer.Ordinal);

    public static IReadOnlyCollection<Market> All => ByCode.Values;

    public static IEnumerable<string> Codes => ByCode.Keys;

    public static bool TryGet(string? code, [NotNullWhen(true)] out Market? market)
    {
        if (code is null)
        {
            market = null;
            return false;
        }

        return ByCode.TryGetValue(code, out market);
    }

    public static Market Get(string code) =>
        TryGet(code, out var market) ? market : throw new ArgumentException($"Unknown market '{code}'.", nameof(code));
}

/// <summary>The parsed Definitions/markets.json.</summary>
internal sealed record MarketsFile(IReadOnlyList<MarketsFile.CurrencyEntry> Currencies, IReadOnlyList<MarketsFile.MarketEntry> Markets)
{
    public static readonly MarketsFile Instance = DefinitionFiles.Load<MarketsFile>("markets.json");

    internal sealed record CurrencyEntry(string Code, int Exponent);

    internal sealed record MarketEntry(
        string Code,
        string Name,
        string Currency,
        string Locale,
        bool PricesIncludeTax,
        int TaxRateBasisPoints,
        string TaxName,
        CheckoutLimits? CheckoutLimits);
}

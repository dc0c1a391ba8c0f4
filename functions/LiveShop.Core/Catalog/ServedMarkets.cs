using LiveShop.Core.Errors;
using LiveShop.Core.Markets;

namespace LiveShop.Core.Catalog;

/// <summary>The markets this deployment serves (setting LiveShop:Markets; empty means all).</summary>
public sealed class ServedMarkets
{
    private readonly HashSet<string> _codes;

    public ServedMarkets(string? setting)
    {
        var codes = (setting ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var code in codes)
        {
            if (!MarketRegistry.TryGet(code, out _))
            {
                throw new ArgumentException($"Setting lists unknown market '{code}'; known: {string.Join(", ", MarketRegistry.Codes)}.", nameof(setting));
            }
        }

        _codes = codes.Length == 0 ? [.. MarketRegistry.Codes] : [.. codes];
    }

    public IReadOnlyCollection<string> Codes => _codes;

    public void EnsureServed(Market market)
    {
        ArgumentNullException.ThrowIfNull(market);
        if (!_codes.Contains(market.Code))
        {
            throw LiveShopException.Unprocessable(
                "Market not served here",
                $"This deployment serves {string.Join(", ", _codes)}; market '{market.Code}' is served by its own regional deployment.");
        }
    }
}

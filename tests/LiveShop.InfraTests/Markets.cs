using LiveShop.Core.Markets;

namespace LiveShop.InfraTests;

/// <summary>Theory data: every market of the registry (functions/LiveShop.Core/Definitions/markets.json).</summary>
public static class Markets
{
    public static TheoryData<string> All { get; } = new(MarketRegistry.Codes.Order(StringComparer.Ordinal));
}

using LiveShop.Core.Markets;
using LiveShop.InfraTests.Bicep;

namespace LiveShop.InfraTests;

/// <summary>One parameter file per market of the registry, and nothing else.</summary>
[Collection(InfraCollection.Name)]
public sealed class MarketFileTests(InfraFixture infra)
{
    [Fact]
    public void ParameterFiles_EveryFile_IsARegisteredMarket() =>
        Assert.All(Repository.MarketFiles, code => Assert.True(MarketRegistry.TryGet(code, out _), $"infra/markets/{code}.bicepparam: '{code}' is not in markets.json."));

    [Fact]
    public void ParameterFiles_EveryRegisteredMarket_HasOne() =>
        Assert.Equal(MarketRegistry.Codes.Order(StringComparer.Ordinal), Repository.MarketFiles);

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void MarketCode_InFile_MatchesFileName(string market) =>
        Assert.Equal(market, infra.Market(market).Parameter("marketCode").GetValue<string>());

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Readme_MarketsTable_ListsTheFile(string market)
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Infra, "README.md"));
        var region = infra.Market(market).Location;

        Assert.Contains($"| `{market}` | `markets/{market}.bicepparam` | `{region}` |", readme, StringComparison.Ordinal);
    }
}

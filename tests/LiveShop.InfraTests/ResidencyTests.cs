using LiveShop.InfraTests.Bicep;
using static LiveShop.InfraTests.Bicep.MarketStack;

namespace LiveShop.InfraTests;

/// <summary>Data residency: everything a market's stack creates is in that market's region, named and tagged for it.</summary>
[Collection(InfraCollection.Name)]
public sealed class ResidencyTests(InfraFixture infra)
{
    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void EveryTopLevelResource_IsInTheMarketsRegion(string market)
    {
        var stack = infra.Market(market);
        var topLevel = stack.Resources.Where(r => !Text(r["name"])!.Contains('/', StringComparison.Ordinal)
                                                  && Text(r["type"]) != "Microsoft.Authorization/roleAssignments").ToList();

        Assert.NotEmpty(topLevel);
        Assert.All(topLevel, r => Assert.True(Text(r["location"]) == stack.Location, $"{Text(r["type"])} {Text(r["name"])} is in '{Text(r["location"])}', not '{stack.Location}'."));
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void EveryLocatedResource_IsTaggedWithTheMarket(string market)
    {
        var stack = infra.Market(market);

        Assert.All(stack.Resources.Where(r => r["location"] is not null), r => Assert.Equal(market, Text(r["tags"]?["market"])));
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void EveryResource_IsNamedForTheMarket(string market)
    {
        var stack = infra.Market(market);
        var named = stack.Resources.Where(r => r["location"] is not null).Select(r => Text(r["name"])!);

        Assert.All(named, name => Assert.Contains(market, name, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Storage_IsNotReplicatedOutOfTheRegion(string market)
    {
        var sku = Text(infra.Market(market).Single("Microsoft.Storage/storageAccounts")["sku"]!["name"])!;

        Assert.True(sku.EndsWith("_LRS", StringComparison.Ordinal) || sku.EndsWith("_ZRS", StringComparison.Ordinal), sku);
    }

    [Fact]
    public void Stacks_OfDifferentMarkets_ShareNoResourceName()
    {
        var names = infra.Markets.Values.SelectMany(m => m.Resources.Where(r => r["location"] is not null).Select(r => Text(r["name"])!)).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}

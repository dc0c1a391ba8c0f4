using System.Text.Json.Nodes;
using LiveShop.Core.Storage;
using LiveShop.InfraTests.Bicep;
using static LiveShop.InfraTests.Bicep.MarketStack;

namespace LiveShop.InfraTests;

/// <summary>The Cosmos account, database and containers equal the code's definitions (PlatformDefinitions).</summary>
[Collection(InfraCollection.Name)]
public sealed class CosmosTests(InfraFixture infra)
{
    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Database_IsTheCodesDatabase(string market)
    {
        var database = infra.Market(market).Single("Microsoft.DocumentDB/databaseAccounts/sqlDatabases");

        Assert.Equal(PlatformDefinitions.CosmosDatabase, Text(database["properties"]!["resource"]!["id"]));
        Assert.EndsWith($"/{PlatformDefinitions.CosmosDatabase}", Text(database["name"]), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Containers_EqualTheCodesDefinitions(string market)
    {
        var deployed = infra.Market(market).OfType("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers")
            .Select(c => Describe(c["properties"]!["resource"]!))
            .Order(StringComparer.Ordinal);
        var defined = PlatformDefinitions.Containers
            .Select(c => Describe(c.Name, c.PartitionKeyPath, c.DefaultTtlSeconds, c.IncludedPaths, c.ExcludedPaths))
            .Order(StringComparer.Ordinal);

        Assert.Equal(defined, deployed);
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Account_HasKeyAuthOffAndOneLocation(string market)
    {
        var stack = infra.Market(market);
        var properties = stack.Single("Microsoft.DocumentDB/databaseAccounts")["properties"]!;
        var location = Assert.Single(properties["locations"]!.AsArray());

        Assert.True(properties["disableLocalAuth"]!.GetValue<bool>());
        Assert.True(properties["disableKeyBasedMetadataWriteAccess"]!.GetValue<bool>());
        Assert.Equal(stack.Location, Text(location!["locationName"]));
        Assert.Equal("Local", Text(properties["backupPolicy"]!["periodicModeProperties"]!["backupStorageRedundancy"]));
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Capacity_FollowsTheMarketFile(string market)
    {
        var stack = infra.Market(market);
        var capabilities = stack.Single("Microsoft.DocumentDB/databaseAccounts")["properties"]!["capabilities"]!.AsArray()
            .Select(c => Text(c!["name"]));
        var options = stack.Single("Microsoft.DocumentDB/databaseAccounts/sqlDatabases")["properties"]!["options"]!;

        switch (stack.Parameter("cosmosCapacityMode").GetValue<string>())
        {
            case "Serverless":
                Assert.Equal(["EnableServerless"], capabilities);
                Assert.Empty(options.AsObject());
                break;
            case "Autoscale":
                Assert.Empty(capabilities);
                Assert.Equal(
                    stack.Parameter("cosmosAutoscaleMaxThroughput").GetValue<int>(),
                    options["autoscaleSettings"]!["maxThroughput"]!.GetValue<int>());
                break;
            default:
                Assert.Fail("Unknown cosmosCapacityMode.");
                break;
        }
    }

    private static string Describe(JsonNode resource) => Describe(
        Text(resource["id"])!,
        Text(Assert.Single(resource["partitionKey"]!["paths"]!.AsArray())),
        resource["defaultTtl"]?.GetValue<int>(),
        [.. resource["indexingPolicy"]!["includedPaths"]!.AsArray().Select(p => Text(p!["path"])!)],
        [.. resource["indexingPolicy"]!["excludedPaths"]!.AsArray().Select(p => Text(p!["path"])!)]);

    private static string Describe(string name, string? partitionKey, int? ttl, IEnumerable<string> included, IEnumerable<string> excluded) =>
        $"{name} pk={partitionKey} ttl={ttl?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} include=[{string.Join(',', included)}] exclude=[{string.Join(',', excluded)}]";
}

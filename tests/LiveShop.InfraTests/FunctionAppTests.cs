using LiveShop.InfraTests.Bicep;
using static LiveShop.InfraTests.Bicep.MarketStack;

namespace LiveShop.InfraTests;

/// <summary>The function app: Flex Consumption, dotnet-isolated 10.0, system-assigned identity, per-market scaling.</summary>
[Collection(InfraCollection.Name)]
public sealed class FunctionAppTests(InfraFixture infra)
{
    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Runtime_IsExactlyDotnetIsolated10(string market)
    {
        var runtime = App(market)["properties"]!["functionAppConfig"]!["runtime"]!;

        Assert.Equal("dotnet-isolated", Text(runtime["name"]));
        Assert.Equal("10.0", Text(runtime["version"]));
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Plan_IsFlexConsumptionOnLinux(string market)
    {
        var stack = infra.Market(market);
        var plan = stack.Single("Microsoft.Web/serverfarms");
        var app = App(market);

        Assert.Equal("FC1", Text(plan["sku"]!["name"]));
        Assert.Equal("FlexConsumption", Text(plan["sku"]!["tier"]));
        Assert.True(plan["properties"]!["reserved"]!.GetValue<bool>());
        Assert.Equal("functionapp,linux", Text(app["kind"]));
        Assert.Equal(Text(plan["id"]), Text(app["properties"]!["serverFarmId"]));
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Identity_IsSystemAssigned(string market) =>
        Assert.Equal("SystemAssigned", Text(App(market)["identity"]!["type"]));

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Scale_AlwaysReadyAndLimits_ComeFromTheMarketFile(string market)
    {
        var stack = infra.Market(market);
        var scale = App(market)["properties"]!["functionAppConfig"]!["scaleAndConcurrency"]!;
        var alwaysReady = scale["alwaysReady"]!.AsArray()
            .ToDictionary(g => Text(g!["name"])!, g => g!["instanceCount"]!.GetValue<int>(), StringComparer.Ordinal);

        Assert.Equal(
            new Dictionary<string, int>
            {
                ["http"] = stack.Parameter("alwaysReadyHttp").GetValue<int>(),
                ["durable"] = stack.Parameter("alwaysReadyDurable").GetValue<int>(),
            },
            alwaysReady);
        Assert.Equal(stack.Parameter("maximumInstanceCount").GetValue<int>(), scale["maximumInstanceCount"]!.GetValue<int>());
        Assert.Equal(stack.Parameter("instanceMemoryMB").GetValue<int>(), scale["instanceMemoryMB"]!.GetValue<int>());
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void DeploymentPackage_IsABlobContainerReadWithTheAppIdentity(string market)
    {
        var stack = infra.Market(market);
        var storage = App(market)["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!;
        var container = Assert.Single(stack.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"));
        var containerName = Text(container["name"])!.Split('/')[^1];
        var account = stack.Single("Microsoft.Storage/storageAccounts");

        Assert.Equal("blobContainer", Text(storage["type"]));
        Assert.Equal("SystemAssignedIdentity", Text(storage["authentication"]!["type"]));
        Assert.Contains($"'{Text(account["id"])}'", Text(storage["value"]), StringComparison.Ordinal);
        Assert.EndsWith($"'{containerName}')]", Text(storage["value"]), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Tags_NameTheAzdServiceApi(string market) =>
        Assert.Equal("api", Text(App(market)["tags"]!["azd-service-name"]));

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void BasicPublishingCredentials_AreOff(string market)
    {
        var policies = infra.Market(market).OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        Assert.Equal(["ftp", "scm"], policies.Select(p => Text(p["name"])!.Split('/')[^1]).Order(StringComparer.Ordinal));
        Assert.All(policies, p => Assert.False(p["properties"]!["allow"]!.GetValue<bool>()));
    }

    private System.Text.Json.Nodes.JsonObject App(string market) => infra.Market(market).Single("Microsoft.Web/sites");
}

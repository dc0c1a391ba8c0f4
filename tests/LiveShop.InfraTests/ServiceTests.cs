using LiveShop.InfraTests.Bicep;
using static LiveShop.InfraTests.Bicep.MarketStack;

namespace LiveShop.InfraTests;

/// <summary>SignalR, Event Grid, Key Vault and storage: the enum values Azure would accept with a typo, checked exactly.</summary>
[Collection(InfraCollection.Name)]
public sealed class ServiceTests(InfraFixture infra)
{
    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void SignalR_IsServerlessWithIdentityOnly(string market)
    {
        var stack = infra.Market(market);
        var signalR = stack.Single("Microsoft.SignalRService/signalR");
        var serviceMode = Assert.Single(signalR["properties"]!["features"]!.AsArray(), f => Text(f!["flag"]) == "ServiceMode");

        Assert.Equal("Serverless", Text(serviceMode!["value"]));
        Assert.Equal("SignalR", Text(signalR["kind"]));
        Assert.True(signalR["properties"]!["disableLocalAuth"]!.GetValue<bool>());
        Assert.False(signalR["properties"]!["disableAadAuth"]!.GetValue<bool>());
        Assert.Equal(stack.Parameter("signalRUnits").GetValue<int>(), signalR["sku"]!["capacity"]!.GetValue<int>());
        Assert.Equal(stack.Parameter("signalRSku").GetValue<string>(), Text(signalR["sku"]!["name"]));
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void EventGridTopic_IsCloudEventsWithIdentityOnly(string market)
    {
        var properties = infra.Market(market).Single("Microsoft.EventGrid/topics")["properties"]!;

        Assert.Equal("CloudEventSchemaV1_0", Text(properties["inputSchema"]));
        Assert.True(properties["disableLocalAuth"]!.GetValue<bool>());
        Assert.Equal("WithinRegion", Text(properties["dataResidencyBoundary"]));
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void EventGridSubscriptions_NoneUntilTheAppHasHandlers(string market) =>
        Assert.Empty(infra.Market(market).OfType("Microsoft.EventGrid/topics/eventSubscriptions"));

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void KeyVault_IsRbacOnlyAndPurgeProtected(string market)
    {
        var properties = infra.Market(market).Single("Microsoft.KeyVault/vaults")["properties"]!;

        Assert.True(properties["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.True(properties["enablePurgeProtection"]!.GetValue<bool>());
        Assert.Null(properties["accessPolicies"]);
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Storage_HasSharedKeyAccessOff(string market)
    {
        var properties = infra.Market(market).Single("Microsoft.Storage/storageAccounts")["properties"]!;

        Assert.False(properties["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(properties["allowBlobPublicAccess"]!.GetValue<bool>());
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void ApplicationInsights_IsWorkspaceBasedWithLocalAuthOff(string market)
    {
        var stack = infra.Market(market);
        var properties = stack.Single("Microsoft.Insights/components")["properties"]!;

        Assert.Equal(Text(stack.Single("Microsoft.OperationalInsights/workspaces")["id"]), Text(properties["WorkspaceResourceId"]));
        Assert.True(properties["DisableLocalAuth"]!.GetValue<bool>());
    }
}

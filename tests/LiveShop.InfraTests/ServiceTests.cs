using System.Text.Json;
using LiveShop.Core.Live;
using LiveShop.Core.Storage;
using LiveShop.Functions.Http;
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
    public void SignalRUpstream_SendsTheHubsConnectionEventsToTheAppsHandler(string market)
    {
        var stack = infra.Market(market);
        var signalR = stack.Single("Microsoft.SignalRService/signalR");
        var template = Assert.Single(signalR["properties"]!["upstream"]!["templates"]!.AsArray())!;
        var site = stack.Single("Microsoft.Web/sites");

        Assert.Equal(PlatformDefinitions.SignalRHub, Text(template["hubPattern"]));
        Assert.Equal(LiveUpstreamEvents.Category, Text(template["categoryPattern"]));
        Assert.Equal(string.Join(",", LiveUpstreamEvents.All), Text(template["eventPattern"]));
        Assert.Null(template["auth"]);

        // The function app's own host name, then the host's route prefix and the handler's route.
        var url = Text(template["urlTemplate"])!;
        Assert.Contains(Text(site["id"])!, url, StringComparison.Ordinal);
        Assert.EndsWith($"'{HostRoutePrefix()}/{Routes.LiveUpstream}')]", url, StringComparison.Ordinal);
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

    /// <summary>The route prefix in the repository's host.json (what the Functions host puts before every route).</summary>
    private static string HostRoutePrefix()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "host.json")));
        return host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString()!;
    }
}

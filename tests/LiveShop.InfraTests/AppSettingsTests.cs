using LiveShop.Core.Configuration;
using LiveShop.InfraTests.Bicep;
using static LiveShop.InfraTests.Bicep.MarketStack;

namespace LiveShop.InfraTests;

/// <summary>The app settings are exactly what the code reads in Azure plus what the Functions host needs.</summary>
[Collection(InfraCollection.Name)]
public sealed class AppSettingsTests(InfraFixture infra)
{
    /// <summary>
    /// The Functions host's own settings on Flex Consumption, each for a reason. Flex takes the worker runtime and
    /// version from functionAppConfig.runtime and rejects FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION and the
    /// WEBSITE_CONTENT*/WEBSITE_RUN_FROM_PACKAGE settings of other plans, so none of those belong here.
    /// </summary>
    private static readonly string[] HostSettings =
    [
        // Runtime storage (triggers, timers, Durable Functions task hub) on this account, reached with the app's identity.
        "AzureWebJobsStorage__accountName",
        // ...with the system-assigned managed identity as the credential (no account key or connection string).
        "AzureWebJobsStorage__credential",
        // Where the host and worker export telemetry. Its instrumentation key cannot ingest: the component has local auth off.
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        // Ingest telemetry with Entra ID (the app's identity holds Monitoring Metrics Publisher on the component).
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    ];

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Names_AreExactlyProductionSettingsAndHostSettings(string market)
    {
        var expected = SettingNames.Production.Select(SettingNames.AsEnvironmentVariable).Concat(HostSettings);

        Assert.Equal(
            expected.Order(StringComparer.Ordinal),
            infra.Market(market).AppSettings.Select(s => s.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void DevelopmentOnlySettings_AreNeverSet(string market)
    {
        var names = infra.Market(market).AppSettings.Select(s => s.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.All(SettingNames.DevelopmentOnly, setting => Assert.DoesNotContain(SettingNames.AsEnvironmentVariable(setting), names));
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Values_ComeFromTheMarketAndTheStack(string market)
    {
        var stack = infra.Market(market);
        var settings = stack.AppSettings;
        string? Value(string setting) => Text(settings[SettingNames.AsEnvironmentVariable(setting)]);
        var cosmos = stack.Single("Microsoft.DocumentDB/databaseAccounts");
        var storage = stack.Single("Microsoft.Storage/storageAccounts");
        var insights = stack.Single("Microsoft.Insights/components");

        Assert.Equal(market, Value(SettingNames.Markets));
        Assert.Equal("Cosmos", Value(SettingNames.StorageProvider));
        Assert.Equal($"[reference('{Text(cosmos["id"])}', '{Text(cosmos["apiVersion"])}').documentEndpoint]", Value(SettingNames.CosmosEndpoint));
        Assert.Equal(stack.Parameter("authIssuer").GetValue<string>(), Value(SettingNames.AuthIssuer));
        Assert.Equal(stack.Parameter("authAudience").GetValue<string>(), Value(SettingNames.AuthAudience));
        Assert.Equal(stack.Parameter("streamCacheMilliseconds").GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture), Value(SettingNames.StreamCacheMilliseconds));
        Assert.Equal(stack.Parameter("cartIdleMinutes").GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture), Value(SettingNames.CartIdleMinutes));
        Assert.Equal(stack.Parameter("paymentActionMinutes").GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture), Value(SettingNames.PaymentActionMinutes));
        Assert.Equal("Stripe", Value(SettingNames.PaymentProvider));
        var vault = stack.Single("Microsoft.KeyVault/vaults");
        Assert.Equal($"[reference('{Text(vault["id"])}', '{Text(vault["apiVersion"])}').vaultUri]", Value(SettingNames.PaymentVault));
        Assert.Equal($"https://{Text(stack.Single("Microsoft.SignalRService/signalR")["name"])}.service.signalr.net", Value(SettingNames.SignalREndpoint));
        Assert.Equal(Text(storage["name"]), Text(settings["AzureWebJobsStorage__accountName"]));
        Assert.Equal("managedidentity", Text(settings["AzureWebJobsStorage__credential"]));
        Assert.Equal($"[reference('{Text(insights["id"])}', '{Text(insights["apiVersion"])}').ConnectionString]", Text(settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]));
        Assert.Equal("Authorization=AAD", Text(settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]));
    }
}

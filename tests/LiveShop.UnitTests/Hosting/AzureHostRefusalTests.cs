using LiveShop.Core.Configuration;
using LiveShop.Functions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LiveShop.UnitTests.Hosting;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process environment";
}

/// <summary>In Azure, development-only settings stop the app at start-up instead of running it unsafely.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class AzureHostRefusalTests : IDisposable
{
    private static readonly Dictionary<string, string?> Production = new()
    {
        [SettingNames.StorageProvider] = StorageProviders.Cosmos,
        [SettingNames.CosmosEndpoint] = "https://account.documents.azure.com:443/",
        [SettingNames.AuthIssuer] = "https://login.example.com/tenant/v2.0",
        [SettingNames.AuthAudience] = "api://liveshop",
        [SettingNames.PaymentProvider] = PaymentProviders.Stripe,
        [SettingNames.PaymentVault] = "https://kv-liveshop.vault.azure.net/",
        [SettingNames.EventGridTopicEndpoint] = "https://evgt-liveshop.westeurope-1.eventgrid.azure.net/api/events",
        [SettingNames.EventGridDeliveryKey] = "a-delivery-key",
    };

    public AzureHostRefusalTests() => Environment.SetEnvironmentVariable(AzureHost.Marker, "liveshop-test-app");

    public void Dispose() => Environment.SetEnvironmentVariable(AzureHost.Marker, null);

    [Fact]
    public void AddLiveShop_InAzureWithProductionSettings_Starts()
    {
        var services = new ServiceCollection().AddLiveShop(Configuration([]));

        Assert.Contains(services, d => d.ServiceType == typeof(LiveShop.Core.Catalog.IProductStore));
        Assert.Contains(services, d => d.ServiceType == typeof(LiveShop.Payments.IPaymentSecrets));
    }

    [Theory]
    [InlineData("Storage:Provider", "InMemory")]
    [InlineData("Cosmos:Key", "a-key")]
    [InlineData("Cosmos:Emulator", "true")]
    [InlineData("Auth:DevSigningKey", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("Payments:Provider", "Simulated")]
    [InlineData("Payments:StripeApiKey", "sk_test_x")]
    [InlineData("Payments:StripeApiBase", "http://127.0.0.1:12111")]
    [InlineData("Payments:WebhookSecret", "whsec_x")]
    [InlineData("EventGrid:TopicKey", "a-topic-key")]
    [InlineData("EventGrid:DeliveryKey", "")]
    public void AddLiveShop_InAzureWithDevelopmentSetting_Refuses(string setting, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddLiveShop(Configuration(new() { [setting] = value })));

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> overrides) =>
        new ConfigurationBuilder().AddInMemoryCollection(Production).AddInMemoryCollection(overrides).Build();
}

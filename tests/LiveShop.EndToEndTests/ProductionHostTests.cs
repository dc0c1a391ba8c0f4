using LiveShop.Core.Configuration;
using LiveShop.Functions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LiveShop.EndToEndTests;

/// <summary>
/// The isolated worker's own host (Program.cs's builder, not the runner's wiring) with production settings: the container
/// validates (scopes, every registration buildable) and every function the Functions host would call can be created, so
/// a wiring mistake only the Functions host would meet fails here.
/// </summary>
public sealed class ProductionHostTests
{
    /// <summary>Azure's settings, as infra/ sets them (managed identity everywhere: no keys).</summary>
    private static readonly Dictionary<string, string> ProductionSettings = new()
    {
        [SettingNames.Markets] = "uk",
        [SettingNames.StorageProvider] = StorageProviders.Cosmos,
        [SettingNames.CosmosEndpoint] = "https://liveshop-uk.documents.azure.com:443/",
        [SettingNames.AuthIssuer] = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0",
        [SettingNames.AuthAudience] = "api://liveshop",
        [SettingNames.StreamCacheMilliseconds] = "2000",
        [SettingNames.CartIdleMinutes] = "4320",
        [SettingNames.PaymentActionMinutes] = "10",
        [SettingNames.PaymentProvider] = PaymentProviders.Stripe,
        [SettingNames.PaymentVault] = "https://kv-liveshop-uk.vault.azure.net/",
        [SettingNames.SignalREndpoint] = "https://sigr-liveshop-uk.service.signalr.net",
        [SettingNames.EventGridTopicEndpoint] = "https://evgt-liveshop-uk.uksouth-1.eventgrid.azure.net/api/events",
        [SettingNames.EventGridDeliveryKey] = "@Microsoft.KeyVault(SecretUri=https://kv-liveshop-uk.vault.azure.net/secrets/eventgrid-delivery-key)",
    };

    [Fact]
    public void ProductionSettings_NameEveryProductionSetting()
    {
        Assert.Equal(SettingNames.Production.Order(), ProductionSettings.Keys.Order());
    }

    [Fact]
    public async Task FunctionsHost_WithProductionSettings_ValidatesItsContainerAndCreatesEveryFunction()
    {
        var builder = FunctionsApp.CreateBuilder([.. ProductionSettings.Select(s => $"--{s.Key}={s.Value}")]);
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true }));
        using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();

        var types = FunctionsMetadata.All()
            .Select(f => f.EntryPoint[..f.EntryPoint.LastIndexOf('.')])
            .Distinct()
            .Select(name => typeof(FunctionsApp).Assembly.GetType(name, throwOnError: true)!)
            .Where(type => !(type.IsAbstract && type.IsSealed))
            .ToList();

        Assert.NotEmpty(types);
        Assert.All(types, type => Assert.NotNull(ActivatorUtilities.CreateInstance(scope.ServiceProvider, type)));
    }
}

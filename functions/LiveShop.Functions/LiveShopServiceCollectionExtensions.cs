using System.Globalization;
using LiveShop.Azure.Cosmos;
using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Configuration;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage.InMemory;
using LiveShop.Core.Streams;
using LiveShop.Functions.Caching;
using LiveShop.Functions.Http;
using LiveShop.Functions.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LiveShop.Functions;

/// <summary>All of the app's wiring, shared by the Functions host (Program.cs) and the local runner.</summary>
public static class LiveShopServiceCollectionExtensions
{
    public static IServiceCollection AddLiveShop(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new ServedMarkets(configuration[SettingNames.Markets]));
        services.AddSingleton<IBearerAuthenticator>(new BearerAuthenticator(AuthOptions.Build(configuration)));
        services.AddSingleton<HttpEndpoint>();

        services.AddLiveShopStorage(configuration);
        services.AddSingleton<CatalogService>();
        services.AddSingleton<StreamService>();
        services.AddSingleton<StockLedger>();
        services.AddSingleton<FlashSaleService>();
        services.AddSingleton(new CartSettings(checked(WholeNumber(configuration, SettingNames.CartIdleMinutes, CartSettings.DefaultIdleMinutes) * 60)));
        services.AddSingleton<CartService>();

        services.AddMemoryCache(o => o.SizeLimit = 256L * 1024 * 1024);
        var cacheMs = WholeNumber(configuration, SettingNames.StreamCacheMilliseconds, 2000);
        services.AddSingleton(sp => new StreamViewCache(sp.GetRequiredService<IMemoryCache>(), TimeSpan.FromMilliseconds(cacheMs)));
        services.AddSingleton<ICatalogEvents>(sp => sp.GetRequiredService<StreamViewCache>());
        return services;
    }

    /// <summary>A whole, non-negative number setting (its default when unset); start-up fails on anything else.</summary>
    private static int WholeNumber(IConfiguration configuration, string setting, int defaultValue)
    {
        var text = configuration[setting];
        if (string.IsNullOrEmpty(text))
        {
            return defaultValue;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"Setting {setting} must be a whole number (it is '{text}').");
    }

    private static void AddLiveShopStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration[SettingNames.StorageProvider] ?? StorageProviders.InMemory;
        var emulator = configuration.GetValue<bool>(SettingNames.CosmosEmulator);
        if (AzureHost.IsAzure)
        {
            // In-memory data would differ per instance, and keys and emulators are for development only.
            AzureHost.Refuse(provider != StorageProviders.Cosmos, $"{SettingNames.StorageProvider} must be {StorageProviders.Cosmos} in Azure (it is '{provider}').");
            AzureHost.Refuse(!string.IsNullOrEmpty(configuration[SettingNames.CosmosKey]), $"{SettingNames.CosmosKey} is for local servers; in Azure the app uses its managed identity.");
            AzureHost.Refuse(emulator, $"{SettingNames.CosmosEmulator} is for local servers only.");
        }

        switch (provider)
        {
            case StorageProviders.InMemory:
                services.AddSingleton<IProductStore, InMemoryProductStore>();
                services.AddSingleton<IStreamStore, InMemoryStreamStore>();
                services.AddSingleton<ICartStore, InMemoryCartStore>();
                services.AddSingleton<IStockStore, InMemoryStockStore>();
                break;
            case StorageProviders.Cosmos:
                services.AddLiveShopCosmos(new CosmosOptions
                {
                    Endpoint = configuration[SettingNames.CosmosEndpoint] is { Length: > 0 } endpoint
                        ? endpoint
                        : throw new InvalidOperationException($"{SettingNames.CosmosEndpoint} is required when {SettingNames.StorageProvider} is {StorageProviders.Cosmos}."),
                    Key = configuration[SettingNames.CosmosKey],
                    Emulator = emulator,
                });
                break;
            default:
                throw new InvalidOperationException($"{SettingNames.StorageProvider} must be {StorageProviders.InMemory} or {StorageProviders.Cosmos} (it is '{provider}').");
        }
    }
}

using System.Globalization;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using LiveShop.Azure.Cosmos;
using LiveShop.Azure.SignalR;
using LiveShop.Core.Live;
using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Configuration;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage.InMemory;
using LiveShop.Core.Streams;
using LiveShop.Functions.Caching;
using LiveShop.Functions.Http;
using LiveShop.Functions.Identity;
using LiveShop.Functions.Events;
using LiveShop.Payments;
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
        services.AddSingleton<IArchivedProducts>(sp => sp.GetRequiredService<StreamService>());
        services.AddSingleton<StockLedger>();
        services.AddSingleton<FlashSaleService>();
        services.AddSingleton(new CartSettings(checked(WholeNumber(configuration, SettingNames.CartIdleMinutes, CartSettings.DefaultIdleMinutes) * 60)));
        services.AddSingleton<CartService>();

        services.AddSingleton(new CheckoutSettings(TimeSpan.FromMinutes(WholeNumber(configuration, SettingNames.PaymentActionMinutes, CheckoutSettings.DefaultPaymentActionMinutes))));
        services.AddSingleton<SaleClaims>();
        services.AddSingleton<OpenCheckoutLimits>();
        services.AddSingleton<CheckoutService>();
        services.AddSingleton<CheckoutSteps>();
        services.AddSingleton<OrderService>();
        services.AddSingleton<PaymentWebhookService>();
        services.AddLiveShopEvents(configuration);
        services.AddLiveShopPayments(configuration);

        services.AddLiveShopLive(configuration);

        services.AddMemoryCache(o => o.SizeLimit = 256L * 1024 * 1024);
        var cacheMs = WholeNumber(configuration, SettingNames.StreamCacheMilliseconds, 2000);
        services.AddSingleton(sp => new StreamViewCache(sp.GetRequiredService<IMemoryCache>(), TimeSpan.FromMilliseconds(cacheMs)));
        services.AddSingleton<ICatalogEvents>(sp => sp.GetRequiredService<StreamViewCache>());
        return services;
    }

    /// <summary>
    /// The live layer: the SignalR REST adapter (the endpoint is read when first used, so a local runner can set it once it
    /// knows its own address), the notifier, connections and the flash-sale schedule.
    /// </summary>
    private static void AddLiveShopLive(this IServiceCollection services, IConfiguration configuration)
    {
        if (AzureHost.IsAzure)
        {
            AzureHost.Refuse(!string.IsNullOrEmpty(configuration[SettingNames.SignalRAccessKey]), $"{SettingNames.SignalRAccessKey} is for a local stand-in; in Azure the app uses its managed identity (the service has local auth off).");
        }

        services.AddLiveShopSignalR(() => new SignalROptions
        {
            Endpoint = configuration[SettingNames.SignalREndpoint] is { Length: > 0 } endpoint && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
                ? uri
                : throw new InvalidOperationException($"{SettingNames.SignalREndpoint} must be the SignalR Service endpoint, an absolute URL (it is '{configuration[SettingNames.SignalREndpoint]}')."),
            AccessKey = configuration[SettingNames.SignalRAccessKey],
        });
        services.AddSingleton<SlotCoalescer>();
        services.AddSingleton<LiveNotifier>();
        services.AddSingleton<ILiveEvents>(sp => sp.GetRequiredService<LiveNotifier>());
        services.AddSingleton<LiveConnections>();
        services.AddSingleton<FlashSaleAnnouncer>();
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

    /// <summary>
    /// The payment provider: the simulated one (local runs only) or Stripe, whose secrets come from the market's Key
    /// Vault through the app's identity (or, in development, from settings).
    /// </summary>
    private static void AddLiveShopPayments(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration[SettingNames.PaymentProvider] ?? PaymentProviders.Simulated;
        if (AzureHost.IsAzure)
        {
            AzureHost.Refuse(provider != PaymentProviders.Stripe, $"{SettingNames.PaymentProvider} must be {PaymentProviders.Stripe} in Azure (it is '{provider}').");
            foreach (var setting in new[] { SettingNames.StripeApiKey, SettingNames.StripeApiBase, SettingNames.PaymentWebhookSecret })
            {
                AzureHost.Refuse(!string.IsNullOrEmpty(configuration[setting]), $"{setting} is for local development; in Azure the Stripe secrets come from the Key Vault.");
            }
        }

        var webhookSecret = configuration[SettingNames.PaymentWebhookSecret];
        services.AddSingleton<IPaymentWebhookVerifier, StripeWebhookVerifier>();
        switch (provider)
        {
            case PaymentProviders.Simulated:
                var secret = webhookSecret is { Length: > 0 }
                    ? webhookSecret
                    : throw new InvalidOperationException($"{SettingNames.PaymentWebhookSecret} is required with the {PaymentProviders.Simulated} payment provider (it signs its webhooks).");
                services.AddSingleton(new SimulatedPaymentOptions(secret, SimulatedPayments.ActionPath));
                services.AddSingleton<SimulatedPaymentProvider>();
                services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<SimulatedPaymentProvider>());
                services.AddSingleton<IPaymentSecrets>(new ConfiguredPaymentSecrets(null, [secret]));
                break;
            case PaymentProviders.Stripe:
                var apiKey = configuration[SettingNames.StripeApiKey];
                if (!string.IsNullOrEmpty(apiKey))
                {
                    services.AddSingleton<IPaymentSecrets>(new ConfiguredPaymentSecrets(apiKey, webhookSecret is { Length: > 0 } ? [webhookSecret] : []));
                }
                else
                {
                    var vault = configuration[SettingNames.PaymentVault] is { Length: > 0 } uri
                        ? new Uri(uri)
                        : throw new InvalidOperationException($"{SettingNames.PaymentVault} is required with the {PaymentProviders.Stripe} payment provider.");
                    services.AddSingleton<IPaymentSecrets>(sp => new KeyVaultPaymentSecrets(
                        new SecretClient(vault, new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)), sp.GetRequiredService<TimeProvider>()));
                }

                services.AddHttpClient(nameof(StripeClientSource));
                services.AddSingleton(sp => new StripeClientSource(
                    sp.GetRequiredService<IPaymentSecrets>(),
                    configuration[SettingNames.StripeApiBase],
                    sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(StripeClientSource))));
                services.AddSingleton<IPaymentProvider>(sp => new StripePaymentProvider(sp.GetRequiredService<StripeClientSource>().GetAsync));
                break;
            default:
                throw new InvalidOperationException($"{SettingNames.PaymentProvider} must be {PaymentProviders.Simulated} or {PaymentProviders.Stripe} (it is '{provider}').");
        }
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
                services.AddSingleton<ISaleClaimStore, InMemorySaleClaimStore>();
                services.AddSingleton<IOpenCheckoutStore, InMemoryOpenCheckoutStore>();
                services.AddSingleton<ICheckoutStore, InMemoryCheckoutStore>();
                services.AddSingleton<IOrderStore, InMemoryOrderStore>();
                services.AddSingleton<IPaymentEventStore, InMemoryPaymentEventStore>();
                services.AddSingleton<ILiveStore, InMemoryLiveStore>();
                services.AddSingleton<LiveShop.Core.Events.IOutboxMarkStore, InMemoryOutboxMarkStore>();
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

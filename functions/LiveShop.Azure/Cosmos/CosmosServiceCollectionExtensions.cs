using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.Core.Streams;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;

namespace LiveShop.Azure.Cosmos;

public static class CosmosServiceCollectionExtensions
{
    /// <summary>Registers one <see cref="CosmosClient"/> for the app and the Cosmos DB stores over it.</summary>
    public static IServiceCollection AddLiveShopCosmos(this IServiceCollection services, CosmosOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(_ => CosmosClientFactory.Create(options));
        services.AddSingleton<IProductStore>(sp => new CosmosProductStore(sp.GetRequiredService<CosmosClient>(), options.DatabaseName));
        services.AddSingleton<IStreamStore>(sp => new CosmosStreamStore(sp.GetRequiredService<CosmosClient>(), options.DatabaseName));
        services.AddSingleton<ICartStore>(sp => new CosmosCartStore(sp.GetRequiredService<CosmosClient>(), options.DatabaseName));
        services.AddSingleton<IStockStore>(sp => new CosmosStockStore(sp.GetRequiredService<CosmosClient>(), options.DatabaseName));
        services.AddSingleton<ICheckoutStore>(sp => new CosmosCheckoutStore(sp.GetRequiredService<CosmosClient>(), options.DatabaseName));
        services.AddSingleton<IOrderStore>(sp => new CosmosOrderStore(sp.GetRequiredService<CosmosClient>(), options.DatabaseName));
        services.AddSingleton<ISaleClaimStore>(sp => new CosmosSaleClaimStore(sp.GetRequiredService<CosmosClient>(), options.DatabaseName));
        services.AddSingleton<IOpenCheckoutStore>(sp => new CosmosOpenCheckoutStore(sp.GetRequiredService<CosmosClient>(), options.DatabaseName));
        services.AddSingleton<LiveShop.Core.Live.ILiveStore>(sp => new CosmosLiveStore(sp.GetRequiredService<CosmosClient>(), options.DatabaseName));
        services.AddSingleton<IPaymentEventStore>(sp => new CosmosPaymentEventStore(sp.GetRequiredService<CosmosClient>(), options.DatabaseName));
        services.AddSingleton<LiveShop.Core.Events.IOutboxMarkStore>(sp => new CosmosOutboxMarkStore(sp.GetRequiredService<CosmosClient>(), options.DatabaseName));
        return services;
    }
}

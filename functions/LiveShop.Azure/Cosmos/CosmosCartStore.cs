using LiveShop.Core.Carts;
using LiveShop.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LiveShop.Azure.Cosmos;

/// <summary>Carts in the carts container (partition key: ownerKey; time to live on, set per cart).</summary>
public sealed class CosmosCartStore(Container container)
    : CosmosDocumentStore<Cart>(container, PlatformDefinitions.Carts), ICartStore
{
    public CosmosCartStore(CosmosClient client, string databaseName)
        : this(ContainerOf(client, databaseName, PlatformDefinitions.Carts))
    {
    }
}

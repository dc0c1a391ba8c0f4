using LiveShop.Core.Storage;
using LiveShop.Core.Streams;
using Microsoft.Azure.Cosmos;

namespace LiveShop.Azure.Cosmos;

/// <summary>Live streams in the streams container (partition key: id, so every read is a point read).</summary>
public sealed class CosmosStreamStore(Container container)
    : CosmosDocumentStore<LiveStream>(container, PlatformDefinitions.Streams), IStreamStore
{
    public CosmosStreamStore(CosmosClient client, string databaseName)
        : this(ContainerOf(client, databaseName, PlatformDefinitions.Streams))
    {
    }
}

using LiveShop.Core.Storage;
using LiveShop.Core.Streams;
using Microsoft.Azure.Cosmos;

namespace LiveShop.Azure.Cosmos;

/// <summary>Live streams in the streams container (partition key: id, so every read is a point read).</summary>
public sealed class CosmosStreamStore(Container container)
    : CosmosDocumentStore<LiveStream>(container, PlatformDefinitions.Streams), IStreamStore, LiveShop.Core.Events.IOutboxScan
{
    public Task<IReadOnlyList<LiveShop.Core.Events.EventOutbox>> RaisedSinceAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
        CosmosOutbox.RaisedSinceAsync(Container, since, limit, cancellationToken);

    public CosmosStreamStore(CosmosClient client, string databaseName)
        : this(ContainerOf(client, databaseName, PlatformDefinitions.Streams))
    {
    }

    /// <summary>
    /// A query across partitions (streams are partitioned by id) on the indexed merchantId and pin.productId; run when a
    /// product is archived.
    /// </summary>
    public async Task<IReadOnlyList<Versioned<LiveStream>>> FindPinningAsync(string merchantId, string productId, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.merchantId = @merchant AND c.pin.productId = @product")
            .WithParameter("@merchant", merchantId)
            .WithParameter("@product", productId);
        var found = new List<Versioned<LiveStream>>();
        using var iterator = Container.GetItemQueryIterator<System.Text.Json.JsonElement>(query);
        while (iterator.HasMoreResults)
        {
            found.AddRange((await ReadNextAsync(iterator, productId, cancellationToken)).Select(ToVersioned));
        }

        return found;
    }
}

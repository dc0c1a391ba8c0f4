using System.Text.Json;
using LiveShop.Core.Events;
using LiveShop.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LiveShop.Azure.Cosmos;

/// <summary>The outbox sweep's query: a container's outboxes that raised events since a time, across partitions.</summary>
internal static class CosmosOutbox
{
    public static async Task<IReadOnlyList<EventOutbox>> RaisedSinceAsync(Container container, DateTimeOffset since, int limit, CancellationToken ct)
    {
        // Indexed path outbox.at (platform.json); run by one timer a minute, not by requests.
        var query = new QueryDefinition("SELECT TOP @limit VALUE c.outbox FROM c WHERE c.outbox.at >= @since ORDER BY c.outbox.at")
            .WithParameter("@limit", limit)
            .WithParameter("@since", since);
        var found = new List<EventOutbox>();
        using var iterator = container.GetItemQueryIterator<JsonElement>(query);
        while (iterator.HasMoreResults)
        {
            try
            {
                var page = await iterator.ReadNextAsync(ct);
                found.AddRange(page.Select(e => e.Deserialize<EventOutbox>(StorageJson.Options)!));
            }
            catch (CosmosException e)
            {
                throw new StoreUnavailableException($"The outbox query on {container.Id} failed ({(int)e.StatusCode}).", e.RetryAfter, e);
            }
        }

        return found;
    }
}

/// <summary>Sent marks of domain events and the sweep's cursor (container outbox; partition key: id; per-item time to live).</summary>
public sealed class CosmosOutboxMarkStore(Container container)
    : CosmosDocumentStore<OutboxMark>(container, PlatformDefinitions.Outbox), IOutboxMarkStore
{
    public CosmosOutboxMarkStore(CosmosClient client, string databaseName)
        : this(ContainerOf(client, databaseName, PlatformDefinitions.Outbox))
    {
    }
}

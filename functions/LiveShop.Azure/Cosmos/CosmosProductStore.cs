using System.Text.Json;
using LiveShop.Core.Catalog;
using LiveShop.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LiveShop.Azure.Cosmos;

/// <summary>Products in the products container (partition key: merchantId).</summary>
public sealed class CosmosProductStore(Container container)
    : CosmosDocumentStore<Product>(container, PlatformDefinitions.Products), IProductStore, LiveShop.Core.Events.IOutboxScan
{
    public Task<IReadOnlyList<LiveShop.Core.Events.EventOutbox>> RaisedSinceAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
        CosmosOutbox.RaisedSinceAsync(Container, since, limit, cancellationToken);

    /// <summary>"active", as <see cref="StorageJson"/> writes <see cref="ProductStatus.Active"/>.</summary>
    private static readonly string ActiveStatus = JsonSerializer.SerializeToElement(ProductStatus.Active, StorageJson.Options).GetString()!;

    public CosmosProductStore(CosmosClient client, string databaseName)
        : this(ContainerOf(client, databaseName, PlatformDefinitions.Products))
    {
    }

    /// <summary>One partition, keyset-paged on the id (ids sort by creation time).</summary>
    public Task<KeysetPage<Product>> ListByMerchantAsync(
        string merchantId, bool includeArchived, string? after, int limit, CancellationToken cancellationToken) =>
        KeysetPageAsync(
            merchantId,
            includeArchived ? string.Empty : " AND c.status = @active",
            includeArchived ? new Dictionary<string, object>() : new Dictionary<string, object> { ["@active"] = ActiveStatus },
            "id",
            p => p.Id,
            after,
            limit,
            cancellationToken);
}

using System.Text.Json;
using LiveShop.Core.Catalog;
using LiveShop.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LiveShop.Azure.Cosmos;

/// <summary>Products in the products container (partition key: merchantId).</summary>
public sealed class CosmosProductStore(Container container)
    : CosmosDocumentStore<Product>(container, PlatformDefinitions.Products), IProductStore
{
    /// <summary>"active", as <see cref="StorageJson"/> writes <see cref="ProductStatus.Active"/>.</summary>
    private static readonly string ActiveStatus = JsonSerializer.SerializeToElement(ProductStatus.Active, StorageJson.Options).GetString()!;

    /// <summary>"c.merchantId": the partition key property, from the container's definition in platform.json.</summary>
    private static readonly string PartitionKeyProperty = "c." + PlatformDefinitions.Products.PartitionKeyPath.TrimStart('/');

    public CosmosProductStore(CosmosClient client, string databaseName)
        : this(ContainerOf(client, databaseName, PlatformDefinitions.Products))
    {
    }

    /// <remarks>
    /// One partition, keyset-paged on the id (ids sort by creation time). The merchant is both the request's
    /// partition key and a WHERE filter: the filter costs nothing on Cosmos DB and keeps the query correct where
    /// the partition key option is not honoured. One item more than the page is read to know whether a next page exists.
    /// </remarks>
    public async Task<KeysetPage<Product>> ListByMerchantAsync(
        string merchantId, bool includeArchived, string? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var query = new QueryDefinition(ListQuery(includeArchived, after is not null))
            .WithParameter("@n", limit + 1)
            .WithParameter("@merchantId", merchantId)
            .WithParameter("@active", ActiveStatus);
        if (after is not null)
        {
            query = query.WithParameter("@after", after);
        }

        var options = new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(merchantId),
            MaxItemCount = limit + 1,
            EnableOptimisticDirectExecution = true,
        };

        var items = new List<Product>(limit + 1);
        using var iterator = Container.GetItemQueryIterator<Product>(query, requestOptions: options);
        while (iterator.HasMoreResults && items.Count <= limit)
        {
            var page = await ReadNextAsync(iterator, merchantId, cancellationToken);
            items.AddRange(page);
        }

        var result = items.Take(limit).ToList();
        return new KeysetPage<Product>(result, items.Count > limit ? result[^1].Id : null);
    }

    private static string ListQuery(bool includeArchived, bool hasAfter) =>
        $"SELECT TOP @n * FROM c WHERE {PartitionKeyProperty} = @merchantId"
        + (includeArchived ? string.Empty : " AND c.status = @active")
        + (hasAfter ? " AND c.id < @after" : string.Empty)
        + " ORDER BY c.id DESC";
}

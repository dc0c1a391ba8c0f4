using System.Net;
using System.Text.Json;
using LiveShop.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LiveShop.Azure.Cosmos;

/// <summary>
/// <see cref="IDocumentStore{T}"/> over one Cosmos DB container, with the in-memory store's semantics.
/// The container's client must serialise with <see cref="StorageJson.Options"/> (see <see cref="CosmosClientFactory"/>),
/// so documents have the same JSON in both stores. The partition key value is always <see cref="IDocument.PartitionKey"/>.
/// </summary>
public class CosmosDocumentStore<T> : IDocumentStore<T>
    where T : class, IDocument
{
    public CosmosDocumentStore(Container container, ContainerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(definition);
        if (container.Id != definition.Name)
        {
            throw new ArgumentException($"Container '{container.Id}' is not the '{definition.Name}' container.", nameof(container));
        }

        Container = container;
        PartitionKeyProperty = definition.PartitionKeyPath.TrimStart('/');
    }

    protected Container Container { get; }

    /// <summary>The partition key's property ("merchantId"), from the container's definition in platform.json.</summary>
    protected string PartitionKeyProperty { get; }

    /// <summary>The container <paramref name="definition"/> names, in the database <paramref name="databaseName"/>.</summary>
    protected static Container ContainerOf(CosmosClient client, string databaseName, ContainerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(definition);
        return client.GetContainer(databaseName, definition.Name);
    }

    public async Task<Versioned<T>?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Container.ReadItemAsync<T>(id, new PartitionKey(partitionKey), cancellationToken: cancellationToken);
            return new(response.Resource, response.ETag);
        }
        catch (CosmosException e) when (IsMissingDocument(e))
        {
            return null;
        }
        catch (CosmosException e) when (Translate(e, id) is { } translated)
        {
            throw translated;
        }
    }

    public async Task<IReadOnlyList<Versioned<T>>> ReadManyAsync(string partitionKey, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var partition = new PartitionKey(partitionKey);
        var items = ids.Distinct(StringComparer.Ordinal).Select(id => (id, partition)).ToList();
        if (items.Count == 0)
        {
            return [];
        }

        try
        {
            // JsonElement keeps each item's _etag, which the typed document does not carry.
            var response = await Container.ReadManyItemsAsync<JsonElement>(items, cancellationToken: cancellationToken);

            // Where the partition key is the id, the SDK reads by id over the whole physical range ("c.id IN (...)"),
            // so a document of another partition can come back: keep only this partition's.
            return response.Select(ToVersioned).Where(v => v.Value.PartitionKey == partitionKey).ToList();
        }
        catch (CosmosException e) when (Translate(e, partitionKey) is { } translated)
        {
            throw translated;
        }
    }

    public async Task<string> CreateAsync(T document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        try
        {
            var response = await Container.CreateItemAsync(
                document,
                new PartitionKey(document.PartitionKey),
                new ItemRequestOptions { EnableContentResponseOnWrite = false },
                cancellationToken);
            return response.ETag;
        }
        catch (CosmosException e) when (Translate(e, document.Id) is { } translated)
        {
            throw translated;
        }
    }

    public async Task<string> ReplaceAsync(T document, string ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        try
        {
            var response = await Container.ReplaceItemAsync(
                document,
                document.Id,
                new PartitionKey(document.PartitionKey),
                new ItemRequestOptions { IfMatchEtag = ifMatch, EnableContentResponseOnWrite = false },
                cancellationToken);
            return response.ETag;
        }
        catch (CosmosException e) when (Translate(e, document.Id) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// One page of a partition's documents, newest first by <paramref name="keyProperty"/> (an id that sorts by creation
    /// time), after <paramref name="after"/>. Single-partition: the partition is both the request's partition key and a
    /// WHERE filter (free on Cosmos DB, and correct where the partition key option is not honoured). One item more than
    /// the page is read to know whether a next page exists.
    /// </summary>
    /// <param name="filter">Further conditions (" AND ..." clauses), or empty.</param>
    protected async Task<KeysetPage<T>> KeysetPageAsync(
        string partitionKey, string filter, IReadOnlyDictionary<string, object> parameters, string keyProperty, Func<T, string> key, string? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var query = new QueryDefinition(
                $"SELECT TOP @n * FROM c WHERE c.{PartitionKeyProperty} = @partition{filter}"
                + (after is null ? string.Empty : $" AND c.{keyProperty} < @after")
                + $" ORDER BY c.{keyProperty} DESC")
            .WithParameter("@n", limit + 1)
            .WithParameter("@partition", partitionKey);
        foreach (var (name, value) in parameters)
        {
            query = query.WithParameter(name, value);
        }

        if (after is not null)
        {
            query = query.WithParameter("@after", after);
        }

        var options = new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(partitionKey),
            MaxItemCount = limit + 1,
            EnableOptimisticDirectExecution = true,
        };
        var items = new List<T>(limit + 1);
        using var iterator = Container.GetItemQueryIterator<T>(query, requestOptions: options);
        while (iterator.HasMoreResults && items.Count <= limit)
        {
            items.AddRange(await ReadNextAsync(iterator, partitionKey, cancellationToken));
        }

        var page = items.Take(limit).ToList();
        return new KeysetPage<T>(page, items.Count > limit ? key(page[^1]) : null);
    }

    /// <summary>The next page of a query, with Cosmos DB errors translated as for point operations.</summary>
    protected static async Task<FeedResponse<TItem>> ReadNextAsync<TItem>(FeedIterator<TItem> iterator, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(iterator);
        try
        {
            return await iterator.ReadNextAsync(cancellationToken);
        }
        catch (CosmosException e) when (Translate(e, what) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>A point read of a document that does not exist (a missing container has a substatus).</summary>
    protected static bool IsMissingDocument(CosmosException e) => e.StatusCode == HttpStatusCode.NotFound && e.SubStatusCode == 0;

    /// <summary>The store exception for a Cosmos DB status, or null for one the contract does not name.</summary>
    protected static Exception? Translate(CosmosException e, string id) => e.StatusCode switch
    {
        HttpStatusCode.Conflict => new DuplicateDocumentException($"Document '{id}' already exists.", e),
        HttpStatusCode.PreconditionFailed => new ConcurrencyConflictException($"Document '{id}' changed since it was read.", e),
        HttpStatusCode.NotFound when IsMissingDocument(e) => new DocumentNotFoundException($"Document '{id}' does not exist.", e),
        HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable => new StoreUnavailableException(
            $"Cosmos DB answered {(int)e.StatusCode} for '{id}' after the SDK's retries.", e.RetryAfter, e),
        _ => null,
    };

    protected static Versioned<T> ToVersioned(JsonElement item) =>
        new(item.Deserialize<T>(StorageJson.Options) ?? throw new InvalidOperationException("Stored document is null."),
            item.GetProperty("_etag").GetString() ?? throw new InvalidOperationException("Stored document has no _etag."));
}

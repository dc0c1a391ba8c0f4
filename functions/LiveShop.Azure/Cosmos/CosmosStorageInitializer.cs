using System.Collections.ObjectModel;
using LiveShop.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LiveShop.Azure.Cosmos;

/// <summary>
/// Creates the database and every container platform.json defines, if missing. For local servers and tests:
/// in Azure, infra/ creates them from the same definitions.
/// </summary>
public static class CosmosStorageInitializer
{
    public static async Task<Database> EnsureCreatedAsync(CosmosClient client, string databaseName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        Database database = await client.CreateDatabaseIfNotExistsAsync(databaseName, cancellationToken: cancellationToken);
        foreach (var definition in PlatformDefinitions.Containers)
        {
            await database.CreateContainerIfNotExistsAsync(Properties(definition), cancellationToken: cancellationToken);
        }

        return database;
    }

    /// <summary>The container properties for a definition: partition key path, default TTL and indexing paths.</summary>
    public static ContainerProperties Properties(ContainerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var properties = new ContainerProperties(definition.Name, definition.PartitionKeyPath)
        {
            DefaultTimeToLive = definition.DefaultTtlSeconds,
            IndexingPolicy = new IndexingPolicy
            {
                Automatic = true,
                IndexingMode = IndexingMode.Consistent,
            },
        };
        Add(properties.IndexingPolicy.IncludedPaths, definition.IncludedPaths.Select(path => new IncludedPath { Path = path }));
        Add(properties.IndexingPolicy.ExcludedPaths, definition.ExcludedPaths.Select(path => new ExcludedPath { Path = path }));
        return properties;
    }

    private static void Add<TPath>(Collection<TPath> paths, IEnumerable<TPath> items)
    {
        foreach (var item in items)
        {
            paths.Add(item);
        }
    }
}

using LiveShop.Azure.Cosmos;
using LiveShop.Core.Storage;
using LiveShop.StorageContractTests.Cosmos;

namespace LiveShop.StorageContractTests;

[Collection(CosmosCollection.Name)]
public sealed class CosmosStorageInitializerTests(CosmosFixture fixture)
{
    [Fact]
    public async Task EnsureCreated_TwiceOnANewDatabase_CreatesEveryDefinedContainerAsDefined()
    {
        var databaseName = $"init-{Guid.NewGuid():N}";

        await CosmosStorageInitializer.EnsureCreatedAsync(fixture.Client, databaseName, CancellationToken.None);
        var database = await CosmosStorageInitializer.EnsureCreatedAsync(fixture.Client, databaseName, CancellationToken.None);

        foreach (var definition in PlatformDefinitions.Containers)
        {
            var properties = (await database.GetContainer(definition.Name).ReadContainerAsync()).Resource;
            Assert.Equal(definition.PartitionKeyPath, properties.PartitionKeyPath);
            Assert.Equal(definition.DefaultTtlSeconds, properties.DefaultTimeToLive);
            Assert.Equal(definition.ExcludedPaths, properties.IndexingPolicy.ExcludedPaths.Select(p => p.Path));
            Assert.Equal(definition.IncludedPaths, properties.IndexingPolicy.IncludedPaths.Select(p => p.Path));
        }

        await database.DeleteAsync();
    }
}

using LiveShop.Azure.Cosmos;
using LiveShop.Core.Storage;
using LiveShop.LocalCosmosServer;
using Microsoft.Azure.Cosmos;

namespace LiveShop.StorageContractTests.Cosmos;

/// <summary>One local Cosmos server for the Cosmos test classes, with a client that counts its HTTP requests and a fresh database.</summary>
public sealed class CosmosFixture : IAsyncLifetime
{
    /// <summary>Any well-formed key works: the local server does not check signatures.</summary>
    public const string LocalKey = CosmosServerProcess.LocalKey;

    private CosmosServerProcess? _server;
    private CosmosClient? _client;

    public CosmosRequestCounter Requests { get; } = new();

    public CosmosClient Client => _client ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>The local server's endpoint, for clients other than <see cref="Client"/>.</summary>
    public string Endpoint => _server?.Endpoint ?? throw new InvalidOperationException("The fixture has not started.");

    public string DatabaseName { get; } = $"contract-{Guid.NewGuid():N}";

    public Container Container(ContainerDefinition definition) => Client.GetContainer(DatabaseName, definition.Name);

    public async Task InitializeAsync()
    {
        _server = await CosmosServerProcess.StartAsync();
        LiveShop.LocalRunner.LocalCosmos.Prepare();
        _client = CosmosClientFactory.Create(new CosmosOptions
        {
            Endpoint = _server.Endpoint,
            Key = LocalKey,
            Emulator = true,
            DatabaseName = DatabaseName,
            HttpHandlers = [Requests],
        });
        await CosmosStorageInitializer.EnsureCreatedAsync(_client, DatabaseName, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CosmosCollection : ICollectionFixture<CosmosFixture>
{
    public const string Name = "Cosmos server";
}

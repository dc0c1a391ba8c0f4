using System.Net;
using LiveShop.Azure.Cosmos;
using LiveShop.Core.Storage;
using LiveShop.Core.Streams;
using LiveShop.StorageContractTests.Contracts;
using Microsoft.Azure.Cosmos;
using Moq;

namespace LiveShop.StorageContractTests;

/// <summary>
/// Cosmos DB answers the local server never gives (throttling, unavailability, a missing container),
/// and how the store passes them on. The SDK has already retried when such an answer reaches the store.
/// </summary>
public sealed class CosmosErrorTranslationTests
{
    private readonly Mock<Container> _container = new();

    public CosmosErrorTranslationTests() => _container.SetupGet(c => c.Id).Returns(PlatformDefinitions.Streams.Name);

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task Read_ThrottledOrUnavailable_ThrowsStoreUnavailableWithRetryAfter(HttpStatusCode status)
    {
        _container.Setup(c => c.ReadItemAsync<LiveStream>("str_1", It.IsAny<PartitionKey>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new CosmosAnswer(status, 0, TimeSpan.FromMilliseconds(750)));
        var store = new CosmosStreamStore(_container.Object);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ReadAsync("str_1", "str_1", CancellationToken.None));

        Assert.Equal(TimeSpan.FromMilliseconds(750), error.RetryAfter);
        Assert.IsType<CosmosAnswer>(error.InnerException);
    }

    [Fact]
    public async Task Create_Throttled_ThrowsStoreUnavailable()
    {
        var stream = Documents.Stream();
        _container.Setup(c => c.CreateItemAsync(stream, It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new CosmosAnswer(HttpStatusCode.TooManyRequests, 3200, TimeSpan.FromSeconds(1)));
        var store = new CosmosStreamStore(_container.Object);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CreateAsync(stream, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
    }

    [Fact]
    public async Task Read_MissingContainer_IsAnErrorNotAMissingDocument()
    {
        _container.Setup(c => c.ReadItemAsync<LiveStream>("str_1", It.IsAny<PartitionKey>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new CosmosAnswer(HttpStatusCode.NotFound, 1003, null));
        var store = new CosmosStreamStore(_container.Object);

        var error = await Assert.ThrowsAsync<CosmosAnswer>(() => store.ReadAsync("str_1", "str_1", CancellationToken.None));

        Assert.Equal(1003, error.SubStatusCode);
    }

    [Fact]
    public void Constructor_ContainerOfAnotherDefinition_Throws()
    {
        _container.SetupGet(c => c.Id).Returns(PlatformDefinitions.Products.Name);

        Assert.Throws<ArgumentException>(() => new CosmosStreamStore(_container.Object));
    }

    private sealed class CosmosAnswer(HttpStatusCode status, int subStatus, TimeSpan? retryAfter)
        : CosmosException($"Cosmos DB answered {(int)status}.", status, subStatus, "activity", 1)
    {
        public override TimeSpan? RetryAfter => retryAfter;
    }
}

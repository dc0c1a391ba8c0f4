using System.Text.Json;
using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage;
using LiveShop.Core.Storage.InMemory;
using LiveShop.Core.Streams;
using LiveShop.StorageContractTests.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace LiveShop.StorageContractTests;

/// <summary>The in-memory stores hold documents as <see cref="StorageJson"/> bytes; the stored JSON is that of the document read back.</summary>
internal static class InMemoryJson
{
    public static async Task<JsonElement> ReadAsync<T>(IDocumentStore<T> store, T document)
        where T : class, IDocument
    {
        var read = await store.ReadAsync(document.PartitionKey, document.Id, CancellationToken.None)
            ?? throw new InvalidOperationException($"Document '{document.Id}' is not stored.");
        return JsonSerializer.SerializeToElement(read.Value, StorageJson.Options);
    }
}

public sealed class InMemoryProductStoreTests : ProductStoreContract
{
    private readonly InMemoryProductStore _store = new();

    protected override IProductStore ProductStore => _store;

    protected override Task<JsonElement> ReadStoredJsonAsync(Product document) => InMemoryJson.ReadAsync(_store, document);
}

public sealed class InMemoryStreamStoreTests : StreamStoreContract
{
    private readonly InMemoryStreamStore _store = new();

    protected override IStreamStore StreamStore => _store;

    protected override Task<JsonElement> ReadStoredJsonAsync(LiveStream document) => InMemoryJson.ReadAsync(_store, document);
}

/// <remarks>
/// Expiry is checked here only: Cosmos DB deletes an item ttl seconds after its last write, which the local Cosmos
/// server does not do (it ignores ttl), so the Cosmos store's part is the stored ttl property (see the contract).
/// </remarks>
public sealed class InMemoryCartStoreTests : CartStoreContract
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch.AddYears(56));
    private readonly InMemoryCartStore _store;

    public InMemoryCartStoreTests()
    {
        _store = new InMemoryCartStore(_clock);
    }

    protected override ICartStore CartStore => _store;

    protected override Task<JsonElement> ReadStoredJsonAsync(Cart document) => InMemoryJson.ReadAsync(_store, document);

    [Fact]
    public async Task Cart_PastItsTimeToLiveSinceTheLastWrite_IsGoneAndCanBeCreatedAgain()
    {
        var cart = Documents.Cart(Documents.UniqueId("u"), ttl: 60);
        var etag = await _store.CreateAsync(cart, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(50));
        await _store.ReplaceAsync(cart with { Lines = [] }, etag, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(50));

        Assert.NotNull(await _store.ReadAsync(cart.OwnerKey, cart.Id, CancellationToken.None));

        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Null(await _store.ReadAsync(cart.OwnerKey, cart.Id, CancellationToken.None));
        Assert.Empty(await _store.ReadManyAsync(cart.OwnerKey, [cart.Id], CancellationToken.None));
        await _store.CreateAsync(cart, CancellationToken.None);
    }
}

public sealed class InMemoryStockStoreTests : StockStoreContract
{
    protected override IStockStore Store { get; } = new InMemoryStockStore();
}

public sealed class InMemoryCheckoutStoreTests : CheckoutStoreContract
{
    private readonly InMemoryCheckoutStore _store = new();

    protected override ICheckoutStore CheckoutStore => _store;

    protected override Task<JsonElement> ReadStoredJsonAsync(Checkout document) => InMemoryJson.ReadAsync(_store, document);
}

public sealed class InMemoryOrderStoreTests : OrderStoreContract
{
    private readonly InMemoryOrderStore _store = new();

    protected override IOrderStore OrderStore => _store;

    protected override Task<JsonElement> ReadStoredJsonAsync(Order document) => InMemoryJson.ReadAsync(_store, document);
}

public sealed class InMemorySaleClaimStoreTests : SaleClaimStoreContract
{
    private readonly InMemorySaleClaimStore _store = new();

    protected override ISaleClaimStore ClaimStore => _store;

    protected override Task<JsonElement> ReadStoredJsonAsync(SaleClaim document) => InMemoryJson.ReadAsync(_store, document);
}

public sealed class InMemoryOpenCheckoutStoreTests : OpenCheckoutStoreContract
{
    private readonly InMemoryOpenCheckoutStore _store = new();

    protected override IOpenCheckoutStore OpenStore => _store;

    protected override Task<JsonElement> ReadStoredJsonAsync(OpenCheckouts document) => InMemoryJson.ReadAsync(_store, document);
}

public sealed class InMemoryPaymentEventStoreTests : PaymentEventStoreContract
{
    private readonly InMemoryPaymentEventStore _store = new();

    protected override IPaymentEventStore PaymentEventStore => _store;

    protected override Task<JsonElement> ReadStoredJsonAsync(PaymentEventRecord document) => InMemoryJson.ReadAsync(_store, document);
}

public sealed class InMemoryLiveStoreTests : LiveStoreContract
{
    protected override Core.Live.ILiveStore Store { get; } = new InMemoryLiveStore(new FakeTimeProvider(Documents.Created));
}

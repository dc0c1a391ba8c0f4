using System.Text.Json;
using LiveShop.Azure.Cosmos;
using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage;
using LiveShop.Core.Streams;
using LiveShop.StorageContractTests.Contracts;
using LiveShop.StorageContractTests.Cosmos;
using Microsoft.Azure.Cosmos;

namespace LiveShop.StorageContractTests;

/// <summary>The raw JSON Cosmos DB holds for a document, read past the SDK's serializer.</summary>
internal static class CosmosJson
{
    public static async Task<JsonElement> ReadAsync(Container container, IDocument document)
    {
        using var response = await container.ReadItemStreamAsync(document.Id, new PartitionKey(document.PartitionKey));
        response.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(response.Content);
        return json.RootElement.Clone();
    }
}

[Collection(CosmosCollection.Name)]
public sealed class CosmosProductStoreTests(CosmosFixture fixture) : ProductStoreContract
{
    protected override IProductStore ProductStore { get; } = new CosmosProductStore(fixture.Client, fixture.DatabaseName);

    protected override Task<JsonElement> ReadStoredJsonAsync(Product document) =>
        CosmosJson.ReadAsync(fixture.Container(PlatformDefinitions.Products), document);
}

[Collection(CosmosCollection.Name)]
public sealed class CosmosStreamStoreTests(CosmosFixture fixture) : StreamStoreContract
{
    protected override IStreamStore StreamStore { get; } = new CosmosStreamStore(fixture.Client, fixture.DatabaseName);

    protected override Task<JsonElement> ReadStoredJsonAsync(LiveStream document) =>
        CosmosJson.ReadAsync(fixture.Container(PlatformDefinitions.Streams), document);
}

[Collection(CosmosCollection.Name)]
public sealed class CosmosCartStoreTests(CosmosFixture fixture) : CartStoreContract
{
    protected override ICartStore CartStore { get; } = new CosmosCartStore(fixture.Client, fixture.DatabaseName);

    protected override Task<JsonElement> ReadStoredJsonAsync(Cart document) =>
        CosmosJson.ReadAsync(fixture.Container(PlatformDefinitions.Carts), document);
}

[Collection(CosmosCollection.Name)]
public sealed class CosmosStockStoreTests(CosmosFixture fixture) : StockStoreContract
{
    protected override IStockStore Store { get; } = new CosmosStockStore(fixture.Client, fixture.DatabaseName);
}

[Collection(CosmosCollection.Name)]
public sealed class CosmosCheckoutStoreTests(CosmosFixture fixture) : CheckoutStoreContract
{
    protected override ICheckoutStore CheckoutStore { get; } = new CosmosCheckoutStore(fixture.Client, fixture.DatabaseName);

    protected override Task<JsonElement> ReadStoredJsonAsync(Checkout document) =>
        CosmosJson.ReadAsync(fixture.Container(PlatformDefinitions.Checkouts), document);
}

[Collection(CosmosCollection.Name)]
public sealed class CosmosOrderStoreTests(CosmosFixture fixture) : OrderStoreContract
{
    protected override IOrderStore OrderStore { get; } = new CosmosOrderStore(fixture.Client, fixture.DatabaseName);

    protected override Task<JsonElement> ReadStoredJsonAsync(Order document) =>
        CosmosJson.ReadAsync(fixture.Container(PlatformDefinitions.Orders), document);
}

[Collection(CosmosCollection.Name)]
public sealed class CosmosSaleClaimStoreTests(CosmosFixture fixture) : SaleClaimStoreContract
{
    protected override ISaleClaimStore ClaimStore { get; } = new CosmosSaleClaimStore(fixture.Client, fixture.DatabaseName);

    protected override Task<JsonElement> ReadStoredJsonAsync(SaleClaim document) =>
        CosmosJson.ReadAsync(fixture.Container(PlatformDefinitions.Claims), document);
}

[Collection(CosmosCollection.Name)]
public sealed class CosmosOpenCheckoutStoreTests(CosmosFixture fixture) : OpenCheckoutStoreContract
{
    protected override IOpenCheckoutStore OpenStore { get; } = new CosmosOpenCheckoutStore(fixture.Client, fixture.DatabaseName);

    protected override Task<JsonElement> ReadStoredJsonAsync(OpenCheckouts document) =>
        CosmosJson.ReadAsync(fixture.Container(PlatformDefinitions.Claims), document);
}

[Collection(CosmosCollection.Name)]
public sealed class CosmosPaymentEventStoreTests(CosmosFixture fixture) : PaymentEventStoreContract
{
    protected override IPaymentEventStore PaymentEventStore { get; } = new CosmosPaymentEventStore(fixture.Client, fixture.DatabaseName);

    protected override Task<JsonElement> ReadStoredJsonAsync(PaymentEventRecord document) =>
        CosmosJson.ReadAsync(fixture.Container(PlatformDefinitions.PaymentEvents), document);
}

/// <remarks>The local Cosmos server ignores time to live: the presences' own expiry (expiresAt) is what the count goes by.</remarks>
[Collection(CosmosCollection.Name)]
public sealed class CosmosLiveStoreTests(CosmosFixture fixture) : LiveStoreContract
{
    protected override Core.Live.ILiveStore Store { get; } = new CosmosLiveStore(fixture.Client, fixture.DatabaseName);
}

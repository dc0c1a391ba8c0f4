using LiveShop.Core.Checkout;
using LiveShop.Core.Orders;
using LiveShop.Core.Sales;
using LiveShop.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LiveShop.Azure.Cosmos;

/// <summary>Checkouts in the checkouts container (partition key: buyerId).</summary>
public sealed class CosmosCheckoutStore(Container container)
    : CosmosDocumentStore<Checkout>(container, PlatformDefinitions.Checkouts), ICheckoutStore
{
    private static readonly Dictionary<string, object> HasOrder = new() { ["@hasOrder"] = true };

    public CosmosCheckoutStore(CosmosClient client, string databaseName)
        : this(ContainerOf(client, databaseName, PlatformDefinitions.Checkouts))
    {
    }

    /// <summary>One partition (the buyer's), keyset-paged on the order id (order ids sort by creation time).</summary>
    public Task<KeysetPage<Checkout>> ListOrderedAsync(string buyerId, string? after, int limit, CancellationToken cancellationToken) =>
        KeysetPageAsync(buyerId, " AND c.hasOrder = @hasOrder", HasOrder, "orderId", c => c.OrderId, after, limit, cancellationToken);

    public async Task<Checkout?> FindByOrderAsync(string buyerId, string orderId, CancellationToken cancellationToken)
    {
        var page = await KeysetPageAsync(
            buyerId, " AND c.orderId = @orderId", new Dictionary<string, object> { ["@orderId"] = orderId }, "orderId", c => c.OrderId, null, 1, cancellationToken);
        return page.Items.Count > 0 ? page.Items[0] : null;
    }
}

/// <summary>Orders in the orders container (partition key: merchantId).</summary>
public sealed class CosmosOrderStore(Container container)
    : CosmosDocumentStore<Order>(container, PlatformDefinitions.Orders), IOrderStore, LiveShop.Core.Events.IOutboxScan
{
    public Task<IReadOnlyList<LiveShop.Core.Events.EventOutbox>> RaisedSinceAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
        CosmosOutbox.RaisedSinceAsync(Container, since, limit, cancellationToken);

    public CosmosOrderStore(CosmosClient client, string databaseName)
        : this(ContainerOf(client, databaseName, PlatformDefinitions.Orders))
    {
    }

    public Task<KeysetPage<Order>> ListByMerchantAsync(string merchantId, string? after, int limit, CancellationToken cancellationToken) =>
        KeysetPageAsync(merchantId, string.Empty, new Dictionary<string, object>(), "id", o => o.Id, after, limit, cancellationToken);
}

/// <summary>Flash-sale claims in the claims container (partition key: buyerId; id: the sale id).</summary>
public sealed class CosmosSaleClaimStore(Container container)
    : CosmosDocumentStore<SaleClaim>(container, PlatformDefinitions.Claims), ISaleClaimStore
{
    public CosmosSaleClaimStore(CosmosClient client, string databaseName)
        : this(ContainerOf(client, databaseName, PlatformDefinitions.Claims))
    {
    }
}

/// <summary>Buyers' open checkouts per market in the claims container (partition key: buyerId; id: "open_" + market).</summary>
public sealed class CosmosOpenCheckoutStore(Container container)
    : CosmosDocumentStore<OpenCheckouts>(container, PlatformDefinitions.Claims), IOpenCheckoutStore
{
    public CosmosOpenCheckoutStore(CosmosClient client, string databaseName)
        : this(ContainerOf(client, databaseName, PlatformDefinitions.Claims))
    {
    }
}

/// <summary>Payment provider events already handled (container paymentEvents; partition key: id; time to live 30 days).</summary>
public sealed class CosmosPaymentEventStore(Container container)
    : CosmosDocumentStore<LiveShop.Core.Payments.PaymentEventRecord>(container, PlatformDefinitions.PaymentEvents), LiveShop.Core.Payments.IPaymentEventStore
{
    public CosmosPaymentEventStore(CosmosClient client, string databaseName)
        : this(ContainerOf(client, databaseName, PlatformDefinitions.PaymentEvents))
    {
    }
}

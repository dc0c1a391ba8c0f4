namespace LiveShop.Functions.Http;

/// <summary>
/// Every HTTP route of the app (after the host's "api" prefix), used by the functions' triggers and by the tests.
/// </summary>
public static class Routes
{
    public const string MerchantProducts = "merchants/{merchantId}/products";
    public const string MerchantProduct = "merchants/{merchantId}/products/{productId}";
    public const string MerchantProductArchive = "merchants/{merchantId}/products/{productId}/archive";

    public const string Streams = "streams";
    public const string Stream = "streams/{streamId}";
    public const string StreamStart = "streams/{streamId}/start";
    public const string StreamEnd = "streams/{streamId}/end";
    public const string StreamShowcase = "streams/{streamId}/showcase";
    public const string StreamShowcaseProduct = "streams/{streamId}/showcase/{productId}";
    public const string StreamSales = "streams/{streamId}/sales";
    public const string StreamPin = "streams/{streamId}/pin";
    public const string StreamPins = "streams/{streamId}/pins";

    /// <summary>SignalR clients built with withUrl("{base}/api/streams/{streamId}") POST {that}/negotiate.</summary>
    public const string StreamNegotiate = "streams/{streamId}/negotiate";

    /// <summary>Azure SignalR Service's upstream: connection events (infra/ points the service's upstream settings here).</summary>
    public const string LiveUpstream = "live/upstream";
    public const string MerchantProductSaleCancel = "merchants/{merchantId}/products/{productId}/sales/{saleId}/cancel";

    public const string Guests = "guests";
    public const string Cart = "carts/{market}";
    public const string CartLines = "carts/{market}/lines";
    public const string CartLine = "carts/{market}/lines/{lineId}";
    public const string CartMerge = "carts/{market}/merge";

    public const string Checkouts = "checkouts";
    public const string Checkout = "checkouts/{checkoutId}";

    public const string Orders = "orders";
    public const string Order = "orders/{orderId}";
    public const string OrderCancel = "orders/{orderId}/cancel";
    public const string MerchantOrders = "merchants/{merchantId}/orders";
    public const string MerchantOrder = "merchants/{merchantId}/orders/{orderId}";
    public const string MerchantOrderRefunds = "merchants/{merchantId}/orders/{orderId}/refunds";

    public const string PaymentWebhooks = "webhooks/payments";

    /// <summary>Where Event Grid delivers (CloudEvents; the secret delivery key in the query: ?key=...).</summary>
    public const string EventGridDeliveries = "events/eventgrid";

    /// <summary>Fills a route template's {parameters} in order (for links and tests).</summary>
    public static string Format(string template, params string[] values)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        var result = template;
        foreach (var value in values)
        {
            var start = result.IndexOf('{', StringComparison.Ordinal);
            var end = result.IndexOf('}', start + 1);
            if (start < 0 || end < 0)
            {
                throw new ArgumentException($"Route '{template}' has fewer parameters than values given.", nameof(values));
            }

            result = string.Concat(result.AsSpan(0, start), Uri.EscapeDataString(value), result.AsSpan(end + 1));
        }

        return result;
    }
}

using LiveShop.Core.Checkout;
using LiveShop.Core.Orders;
using LiveShop.Functions.Checkout;
using LiveShop.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace LiveShop.Functions.Orders;

/// <summary>Orders: a viewer's own (list, read, cancel before capture) and a merchant's (list, read, refund after capture).</summary>
public sealed class OrderFunctions(HttpEndpoint endpoint, OrderService orders, CheckoutSettings settings)
{
    [Function(nameof(ListMyOrders))]
    public Task<IResult> ListMyOrders(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Orders)] HttpRequest request) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var page = await orders.ListMineAsync(await api.CallerAsync(), api.QueryInt("pageSize"), request.Query["continuationToken"].ToString(), ct);
            api.NoStore();
            return TypedResults.Json(page, ApiJson.Options);
        });

    [Function(nameof(GetMyOrder))]
    public Task<IResult> GetMyOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Order)] HttpRequest request,
        string orderId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var order = await orders.GetMineAsync(await api.CallerAsync(), orderId, ct);
            api.NoStore();
            return api.Ok(OrderView.From(order.Value), order.ETag);
        });

    /// <summary>202: the cancellation is passed to the checkout, which releases the payment and the stock.</summary>
    [Function(nameof(CancelMyOrder))]
    public Task<IResult> CancelMyOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.OrderCancel)] HttpRequest request,
        [DurableClient] DurableTaskClient durable,
        string orderId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var order = await orders.CancelAsync(await api.CallerAsync(), orderId, new DurableCheckoutWorkflow(durable, settings), ct);
            request.HttpContext.Response.Headers.ETag = order.ETag;
            return TypedResults.Json(OrderView.From(order.Value), ApiJson.Options, statusCode: StatusCodes.Status202Accepted);
        });

    [Function(nameof(ListMerchantOrders))]
    public Task<IResult> ListMerchantOrders(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.MerchantOrders)] HttpRequest request,
        string merchantId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var page = await orders.ListForMerchantAsync(await api.CallerAsync(), merchantId, api.QueryInt("pageSize"), request.Query["continuationToken"].ToString(), ct);
            api.NoStore();
            return TypedResults.Json(page, ApiJson.Options);
        });

    [Function(nameof(GetMerchantOrder))]
    public Task<IResult> GetMerchantOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.MerchantOrder)] HttpRequest request,
        string merchantId,
        string orderId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var order = await orders.GetForMerchantAsync(await api.CallerAsync(), merchantId, orderId, ct);
            api.NoStore();
            return api.Ok(OrderView.From(order.Value), order.ETag);
        });

    /// <summary>Refunds (all, or per line) once per Idempotency-Key; a retry with the key resumes an unfinished refund.</summary>
    [Function(nameof(RefundOrder))]
    public Task<IResult> RefundOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.MerchantOrderRefunds)] HttpRequest request,
        string merchantId,
        string orderId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var caller = await api.CallerAsync();
            var body = await api.OptionalBodyAsync<RefundInput>(ct);
            var order = await orders.RefundAsync(caller, merchantId, orderId, request.Headers["Idempotency-Key"].ToString(), body, ct);
            return api.Ok(OrderView.From(order.Value), order.ETag);
        });
}

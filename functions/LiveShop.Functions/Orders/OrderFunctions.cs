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
    [ApiOperation(
        "My orders", Access = ApiAccess.Bearer, Response = typeof(OrderPageView),
        Query = ["pageSize:integer", "continuationToken:string"])]
    public Task<IResult> ListMyOrders(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Orders)] HttpRequest request) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var page = await orders.ListMineAsync(await api.CallerAsync(), api.QueryInt("pageSize"), request.Query["continuationToken"].ToString(), ct);
            api.NoStore();
            return TypedResults.Json(page, ApiJson.Options);
        });

    [Function(nameof(GetMyOrder))]
    [ApiOperation("One of my orders", Access = ApiAccess.Bearer, Response = typeof(OrderView), ETag = true)]
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
    [ApiOperation(
        "Cancel my order before capture", Access = ApiAccess.Bearer, Response = typeof(OrderView), Status = 202, ETag = true,
        Problems = [409], Description = "409 once paid.")]
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
    [ApiOperation(
        "A merchant's orders", Access = ApiAccess.Bearer, Response = typeof(OrderPageView),
        Query = ["pageSize:integer", "continuationToken:string"])]
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
    [ApiOperation("One of a merchant's orders", Access = ApiAccess.Bearer, Response = typeof(OrderView), ETag = true)]
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
    [ApiOperation(
        "Refund a paid order", Access = ApiAccess.Bearer, Request = typeof(RefundInput), RequestOptional = true,
        Response = typeof(OrderView), IdempotencyKey = true, ETag = true, Problems = [409, 422],
        Description = "In full (no body) or per line; once per Idempotency-Key.")]
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

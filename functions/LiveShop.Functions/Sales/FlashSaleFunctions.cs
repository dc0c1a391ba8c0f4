using LiveShop.Core.Sales;
using LiveShop.Functions.Http;
using LiveShop.Functions.Live;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace LiveShop.Functions.Sales;

/// <summary>LIVE flash sales: the stream's merchant creates and cancels them; anyone reads a stream's sales.</summary>
public sealed class FlashSaleFunctions(HttpEndpoint endpoint, FlashSaleService sales, ILogger<DurableSaleScheduler> schedulerLog)
{
    [Function(nameof(CreateFlashSale))]
    [ApiOperation(
        "Create a flash sale", Access = ApiAccess.Bearer, Request = typeof(FlashSaleInput), Response = typeof(FlashSaleView),
        Status = 201, Problems = [409, 422],
        Description = "The stream's merchant, stream live: a deal price below the regular price, an allotment, a per-customer limit (1-99), a start 10-300 s ahead, a duration of 60-1200 s; no overlap on one SKU.")]
    public Task<IResult> CreateFlashSale(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.StreamSales)] HttpRequest request,
        string streamId,
        [DurableClient] DurableTaskClient durable) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var caller = await api.CallerAsync();
            var sale = await sales.CreateAsync(caller, streamId, await api.BodyAsync<FlashSaleInput>(ct), new DurableSaleScheduler(durable, schedulerLog), ct);
            return TypedResults.Json(sale, ApiJson.Options, statusCode: StatusCodes.Status201Created);
        });

    [Function(nameof(CancelFlashSale))]
    [ApiOperation(
        "Cancel a flash sale", Access = ApiAccess.Bearer, Response = typeof(FlashSaleView),
        Description = "That merchant only; ends the sale now (idempotent).")]
    public Task<IResult> CancelFlashSale(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.MerchantProductSaleCancel)] HttpRequest request,
        string merchantId,
        string productId,
        string saleId) =>
        endpoint.RunAsync(request, async (api, ct) =>
            TypedResults.Json(await sales.CancelAsync(await api.CallerAsync(), merchantId, productId, saleId, ct), ApiJson.Options));

    [Function(nameof(ListFlashSales))]
    [ApiOperation(
        "A stream's flash sales", Response = typeof(StreamSalesView),
        Description = "Upcoming, active and ended, with seconds to start or end and units left.")]
    public Task<IResult> ListFlashSales(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.StreamSales)] HttpRequest request,
        string streamId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var view = await sales.ListAsync(streamId, ct);

            // Every viewer polls it for the countdown: shared caches (a CDN) may serve it for a second; the states and
            // seconds are as of the view's "now".
            request.HttpContext.Response.Headers.CacheControl = "public, max-age=1";
            return TypedResults.Json(view, ApiJson.Options);
        });
}

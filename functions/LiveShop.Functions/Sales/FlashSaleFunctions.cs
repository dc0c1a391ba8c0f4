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
    public Task<IResult> CancelFlashSale(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.MerchantProductSaleCancel)] HttpRequest request,
        string merchantId,
        string productId,
        string saleId) =>
        endpoint.RunAsync(request, async (api, ct) =>
            TypedResults.Json(await sales.CancelAsync(await api.CallerAsync(), merchantId, productId, saleId, ct), ApiJson.Options));

    [Function(nameof(ListFlashSales))]
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

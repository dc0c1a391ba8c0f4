using LiveShop.Core.Checkout;
using LiveShop.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace LiveShop.Functions.Checkout;

/// <summary>
/// Checkout: a viewer starts one (from its cart, or "buy now" for one SKU) with an Idempotency-Key, and follows it at
/// the status URL the answer points to.
/// </summary>
public sealed class CheckoutFunctions(HttpEndpoint endpoint, CheckoutService checkouts, CheckoutSettings settings)
{
    /// <summary>202 with the checkout and Location: its status URL. The same key and body give the same checkout.</summary>
    [Function(nameof(StartCheckout))]
    [ApiOperation(
        "Start a checkout", Access = ApiAccess.Bearer, Request = typeof(CheckoutInput), Response = typeof(CheckoutView),
        Status = 202, IdempotencyKey = true, Problems = [409, 422],
        Description = "A viewer: buy now or from the cart. 202 with Location (the status URL). The same key and body give the same checkout; the same key with another body is 422.")]
    public Task<IResult> StartCheckout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Checkouts)] HttpRequest request,
        [DurableClient] DurableTaskClient durable) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var caller = await api.CallerAsync();
            var body = await api.BodyAsync<CheckoutInput>(ct);
            var checkout = await checkouts.StartAsync(caller, request.Headers["Idempotency-Key"].ToString(), body, new DurableCheckoutWorkflow(durable, settings), ct);
            return api.Accepted(checkout.Id, CheckoutView.From(checkout), !checkout.IsFinal);
        });

    /// <summary>Where the checkout stands; Retry-After while it is still running.</summary>
    [Function(nameof(GetCheckout))]
    [ApiOperation(
        "Where a checkout stands", Access = ApiAccess.Bearer, Response = typeof(CheckoutView),
        Description = "The buyer only: pending, awaiting_payment_action (nextActionUrl), paid or rejected with a reason. Retry-After while it runs.")]
    public Task<IResult> GetCheckout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Checkout)] HttpRequest request,
        string checkoutId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var checkout = await checkouts.GetAsync(await api.CallerAsync(), checkoutId, ct);
            api.NoStore();
            if (!checkout.IsFinal)
            {
                request.HttpContext.Response.Headers.RetryAfter = "1";
            }

            return TypedResults.Json(CheckoutView.From(checkout), ApiJson.Options);
        });
}

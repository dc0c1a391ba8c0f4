using System.Text;
using LiveShop.Core.Checkout;
using LiveShop.Core.Payments;
using LiveShop.Functions.Checkout;
using LiveShop.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace LiveShop.Functions.Payments;

/// <summary>The payment provider's webhook (Stripe's scheme): signature checked, duplicates ignored, outcomes passed to checkouts.</summary>
public sealed class PaymentWebhookFunctions(HttpEndpoint endpoint, PaymentWebhookService webhooks, CheckoutSettings settings)
{
    public const string SignatureHeader = "Stripe-Signature";

    [Function(nameof(PaymentWebhook))]
    [ApiOperation(
        "Payment provider webhook", Access = ApiAccess.StripeSignature, Response = typeof(PaymentWebhookResult),
        Description = "Stripe events signed with Stripe-Signature; duplicates (event id) are applied once.")]
    public Task<IResult> PaymentWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.PaymentWebhooks)] HttpRequest request,
        [DurableClient] DurableTaskClient durable) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            // The signature covers the exact bytes sent: read them as they are.
            var body = Encoding.UTF8.GetString(await api.RawBodyAsync(ct));
            var result = await webhooks.HandleAsync(body, request.Headers[SignatureHeader].ToString(), new DurableCheckoutWorkflow(durable, settings), ct);
            return TypedResults.Json(result, ApiJson.Options);
        });
}

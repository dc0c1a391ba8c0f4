using LiveShop.Core.Errors;
using LiveShop.Core.Events;
using LiveShop.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace LiveShop.Functions.Events;

/// <summary>
/// The endpoint Event Grid delivers to: the CloudEvents abuse-protection handshake (OPTIONS), the Event Grid schema's
/// SubscriptionValidation, and batches of CloudEvents. 400 is never retried by Event Grid, 5xx is.
/// </summary>
public sealed class EventGridFunctions(HttpEndpoint endpoint, EventDelivery delivery)
{
    /// <summary>Event Grid's batches reach 1 MB (its limit for a delivery).</summary>
    public const int MaxDeliveryBytes = 1024 * 1024;

    public const string KeyParameter = "key";

    [Function(nameof(EventGridDelivery))]
    [ApiOperation(
        "Event Grid delivery", Access = ApiAccess.EventGridKey, Problems = [413],
        Description = "Event Grid's webhook: the CloudEvents OPTIONS handshake, the Event Grid schema's SubscriptionValidation, "
            + "and batches of CloudEvents (see docs/events.md). 400 for events that can never be processed, 503 for transient failures.")]
    public Task<IResult> EventGridDelivery(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.EventGridDeliveries)] HttpRequest request) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var key = request.Query[KeyParameter].ToString();
            if (HttpMethods.IsOptions(request.Method))
            {
                // CloudEvents 1.0 webhook validation: consent for the origin that asks (only with the right key).
                delivery.Authenticate(key);
                var origin = request.Headers["WebHook-Request-Origin"].ToString();
                if (origin.Length == 0)
                {
                    throw LiveShopException.BadRequest("Missing WebHook-Request-Origin", "A CloudEvents validation request names its origin in WebHook-Request-Origin.");
                }

                request.HttpContext.Response.Headers["WebHook-Allowed-Origin"] = origin;
                request.HttpContext.Response.Headers["WebHook-Allowed-Rate"] = "*";
                request.HttpContext.Response.Headers.Allow = "POST, OPTIONS";
                return TypedResults.Ok();
            }

            delivery.Authenticate(key);
            var body = await ReadAsync(request, ct);
            var result = await delivery.DeliverAsync(key, request.Headers["aeg-event-type"].ToString(), body, ct);
            return result.ValidationCode is { } code
                ? TypedResults.Json(new { validationResponse = code }, ApiJson.Options)
                : TypedResults.Json(new { handled = result.Handled }, ApiJson.Options);
        });

    private static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxDeliveryBytes)
        {
            throw new LiveShopException(ErrorKind.PayloadTooLarge, "Delivery too large", $"A delivery is at most {MaxDeliveryBytes} bytes.");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        return buffer.Length > MaxDeliveryBytes
            ? throw new LiveShopException(ErrorKind.PayloadTooLarge, "Delivery too large", $"A delivery is at most {MaxDeliveryBytes} bytes.")
            : buffer.ToArray();
    }
}

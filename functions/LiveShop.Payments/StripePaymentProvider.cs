using System.Net;
using LiveShop.Core.Payments;
using Stripe;

namespace LiveShop.Payments;

/// <summary>
/// Payments through Stripe PaymentIntents with manual capture: authorize (create + confirm), capture, cancel and
/// refund, each with the idempotency key it is given, so Stripe answers a repeated request with its first answer.
/// Card errors are declines; Stripe unreachable, 429 or 5xx are <see cref="PaymentUnavailableException"/>.
/// </summary>
public sealed class StripePaymentProvider(Func<CancellationToken, Task<IStripeClient>> clients) : IPaymentProvider
{
    public StripePaymentProvider(IStripeClient client)
        : this(_ => Task.FromResult(client))
    {
    }

    /// <summary>Stored in the PaymentIntent's metadata, so webhooks name the checkout.</summary>
    public const string CheckoutIdMetadata = "checkout_id";

    public string Name => "stripe";

    /// <summary>
    /// Stripe's search is not for read-after-write: new data is searchable in under a minute normally, later during an
    /// outage. A payment not found this long after its authorization was sent is taken as never made.
    /// </summary>
    public TimeSpan SearchLag => TimeSpan.FromMinutes(5);

    public Task<PaymentResult> AuthorizeAsync(PaymentAuthorization request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = new PaymentIntentCreateOptions
        {
            Amount = request.Amount.MinorUnits,
            Currency = request.Amount.Currency.Code.ToLowerInvariant(),
            CaptureMethod = "manual",
            Confirm = true,
            PaymentMethod = request.PaymentMethod,
            // Cards without redirects: no return_url is needed, and 3-D Secure comes back as requires_action.
            AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true, AllowRedirects = "never" },
            Metadata = new Dictionary<string, string> { [CheckoutIdMetadata] = request.CheckoutId },
        };
        return CallAsync(
            async () => ToResult(await new PaymentIntentService(await clients(cancellationToken)).CreateAsync(options, Keyed(request.IdempotencyKey), cancellationToken)),
            cancellationToken,
            e => Declined(e, refusalIsDecline: true));
    }

    public Task<PaymentResult?> FindByCheckoutAsync(string checkoutId, CancellationToken cancellationToken)
    {
        var query = new PaymentIntentSearchOptions { Query = $"metadata['{CheckoutIdMetadata}']:'{checkoutId.Replace("'", string.Empty, StringComparison.Ordinal)}'", Limit = 1 };
        return CallAsync(
            async () =>
            {
                var found = await new PaymentIntentService(await clients(cancellationToken)).SearchAsync(query, cancellationToken: cancellationToken);
                return found.Data.Count == 0 ? null : ToResult(found.Data[0]);
            },
            cancellationToken);
    }

    public Task<PaymentResult> GetAsync(string paymentId, CancellationToken cancellationToken) =>
        CallAsync(
            async () => ToResult(await new PaymentIntentService(await clients(cancellationToken)).GetAsync(paymentId, cancellationToken: cancellationToken)),
            cancellationToken,
            e => Declined(e, refusalIsDecline: false));

    public Task<PaymentResult> CaptureAsync(string paymentId, Core.Money.Money amount, string idempotencyKey, CancellationToken cancellationToken) =>
        CallAsync(
            async () => ToResult(await new PaymentIntentService(await clients(cancellationToken)).CaptureAsync(
                paymentId, new PaymentIntentCaptureOptions { AmountToCapture = amount.MinorUnits }, Keyed(idempotencyKey), cancellationToken)),
            cancellationToken,
            e => Declined(e, refusalIsDecline: false));

    public Task<PaymentResult> CancelAsync(string paymentId, string idempotencyKey, CancellationToken cancellationToken) =>
        CallAsync(
            async () => ToResult(await new PaymentIntentService(await clients(cancellationToken)).CancelAsync(
                paymentId, new PaymentIntentCancelOptions { CancellationReason = "abandoned" }, Keyed(idempotencyKey), cancellationToken)),
            cancellationToken,
            e => Declined(e, refusalIsDecline: false));

    public Task<RefundResult> RefundAsync(string paymentId, Core.Money.Money amount, string idempotencyKey, CancellationToken cancellationToken) =>
        CallAsync(
            async () =>
            {
                var refund = await new RefundService(await clients(cancellationToken)).CreateAsync(
                    new RefundCreateOptions { PaymentIntent = paymentId, Amount = amount.MinorUnits }, Keyed(idempotencyKey), cancellationToken);
                return new RefundResult(refund.Id, amount);
            },
            cancellationToken);

    /// <summary>What a PaymentIntent's status means here.</summary>
    public static PaymentResult ToResult(PaymentIntent intent)
    {
        ArgumentNullException.ThrowIfNull(intent);
        return intent.Status switch
        {
            "requires_capture" => new PaymentResult(intent.Id, PaymentStatus.Authorized),
            "succeeded" => new PaymentResult(intent.Id, PaymentStatus.Captured),
            "canceled" => new PaymentResult(intent.Id, PaymentStatus.Cancelled),
            "requires_payment_method" => new PaymentResult(intent.Id, PaymentStatus.Declined, DeclineCode: intent.LastPaymentError?.DeclineCode ?? intent.LastPaymentError?.Code ?? "requires_payment_method"),
            // requires_action, requires_confirmation, processing: the customer (or the card network) still has to act.
            // Confirmed on the server without redirects, 3-D Secure comes as use_stripe_sdk: the buyer's app completes
            // it with Stripe.js (handleNextAction) and the client secret; a redirect, where there is one, has a URL.
            _ => new PaymentResult(intent.Id, PaymentStatus.RequiresAction, intent.NextAction?.RedirectToUrl?.Url, ClientSecret: intent.ClientSecret),
        };
    }

    /// <summary>
    /// One call to Stripe, its failures mapped in one place: what <paramref name="answerFor"/> makes of a Stripe error is
    /// the answer (a decline); otherwise Stripe failing transiently or unreachable is <see cref="PaymentUnavailableException"/>
    /// and any other refusal <see cref="PaymentRefusedException"/>.
    /// </summary>
    private static async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken, Func<StripeException, T?>? answerFor = null)
        where T : class?
    {
        try
        {
            return await call();
        }
        catch (StripeException e) when (answerFor?.Invoke(e) is { } answer)
        {
            return answer;
        }
        catch (StripeException e) when (IsTransient(e))
        {
            throw Unavailable(e);
        }
        catch (StripeException e)
        {
            throw Refused(e);
        }
        catch (Exception e) when (IsNetworkFailure(e, cancellationToken))
        {
            throw Unreachable(e);
        }
    }

    /// <summary>A card error is a decline.</summary>
    /// <param name="refusalIsDecline">
    /// For an authorization: Stripe refusing the request for good (an unknown payment method, an amount under its
    /// minimum) declines the payment, as a card error does; for other calls it is a <see cref="PaymentRefusedException"/>.
    /// </param>
    /// <returns>The decline, or null when the error is not one.</returns>
    private static PaymentResult? Declined(StripeException e, bool refusalIsDecline) =>
        e.StripeError?.Type == "card_error"
            ? new PaymentResult(e.StripeError.PaymentIntent?.Id ?? string.Empty, PaymentStatus.Declined, DeclineCode: e.StripeError.DeclineCode ?? e.StripeError.Code)
            : refusalIsDecline && !IsTransient(e)
                ? new PaymentResult(e.StripeError?.PaymentIntent?.Id ?? string.Empty, PaymentStatus.Declined, DeclineCode: e.StripeError?.Code ?? e.StripeError?.Type ?? "invalid_request")
                : null;

    private static RequestOptions Keyed(string idempotencyKey) => new() { IdempotencyKey = idempotencyKey };

    /// <summary>
    /// Stripe unreachable (no status), throttling, a lock timeout (409 idempotency in progress), a server error, or our
    /// API key refused (401/403: an operator must fix the key; nothing the buyer did, and a retry after works).
    /// </summary>
    private static bool IsTransient(StripeException e) =>
        e.HttpStatusCode is 0 or HttpStatusCode.TooManyRequests or HttpStatusCode.Conflict or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            or >= HttpStatusCode.InternalServerError
        || e.InnerException is HttpRequestException or TaskCanceledException;

    private static PaymentRefusedException Refused(StripeException e) =>
        new($"Stripe refused the request ({(int)e.HttpStatusCode} {e.StripeError?.Code ?? e.Message}).", e);

    private static PaymentUnavailableException Unavailable(StripeException e) =>
        new($"Stripe answered {(int)e.HttpStatusCode} ({e.StripeError?.Code ?? e.Message}).", e);

    /// <summary>
    /// Stripe.net does not wrap network failures in a StripeException: after its own retries it rethrows the
    /// HttpRequestException (connection refused or reset), or the HttpClient's timeout as an OperationCanceledException.
    /// The caller's own cancellation is not a failure of Stripe and propagates as is.
    /// </summary>
    private static bool IsNetworkFailure(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static PaymentUnavailableException Unreachable(Exception e) =>
        new($"Stripe could not be reached ({e.Message}).", e);
}

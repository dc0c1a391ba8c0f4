using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using LiveShop.Core.Payments;
using Stripe;

namespace LiveShop.Payments;

/// <summary>
/// A payment provider in memory, for the local runner and tests, that behaves like Stripe in test mode: the outcome
/// follows the card (<see cref="Cards"/>), every call is idempotent by its key, and the outcome of a customer action
/// comes as a webhook event signed the way Stripe signs them. It can also fail at random, before or after doing the
/// work (a lost answer), to prove the checkout's retries never authorize twice.
/// </summary>
public sealed class SimulatedPaymentProvider(SimulatedPaymentOptions options, TimeProvider clock) : IPaymentProvider
{
    private readonly ConcurrentDictionary<string, Payment> _payments = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Payment> _declined = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<PaymentResult>> _authorizations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RefundResult> _refunds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _sequence;

    public string Name => "simulated";

    /// <summary>Its payments are found as soon as they are made.</summary>
    public TimeSpan SearchLag => TimeSpan.Zero;

    /// <summary>How many payments were authorized or asked for an action (one per checkout, however often it retried).</summary>
    public int PaymentCount => _payments.Count;

    /// <summary>A payment's state, for tests and the runner's development endpoints.</summary>
    public SimulatedPayment? Find(string paymentId) =>
        _payments.TryGetValue(paymentId, out var p) || _declined.TryGetValue(paymentId, out p) ? p.Snapshot() : null;

    public Task<PaymentResult> AuthorizeAsync(PaymentAuthorization request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Call(request.IdempotencyKey, () =>
        {
            if (request.PaymentMethod == Cards.Outage || (request.PaymentMethod == Cards.Flaky && _attempts.AddOrUpdate(request.IdempotencyKey, 1, (_, n) => n + 1) == 1))
            {
                throw new PaymentUnavailableException($"The simulated provider is unavailable for card {request.PaymentMethod}.");
            }

            // The first answer for a key is the answer for that key (as Stripe keeps it 24 h).
            return _authorizations.GetOrAdd(request.IdempotencyKey, _ => new Lazy<PaymentResult>(() => Authorize(request))).Value;
        });
    }

    public Task<PaymentResult> GetAsync(string paymentId, CancellationToken cancellationToken) =>
        Call(null, () => Result(Get(paymentId)));

    public Task<PaymentResult?> FindByCheckoutAsync(string checkoutId, CancellationToken cancellationToken) =>
        Call<PaymentResult?>(null, () => _payments.Values.Where(p => p.CheckoutId == checkoutId).Select(Result).FirstOrDefault());

    public Task<PaymentResult> CaptureAsync(string paymentId, Core.Money.Money amount, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(idempotencyKey, () =>
        {
            var payment = Get(paymentId);
            lock (_gate)
            {
                if (payment.Status == PaymentStatus.Authorized && amount.CompareTo(payment.Amount) <= 0)
                {
                    payment.Status = PaymentStatus.Captured;
                    payment.Captured = amount;
                }

                return payment.Status == PaymentStatus.Captured ? Result(payment) : Result(payment) with { Status = PaymentStatus.Declined, DeclineCode = "not_authorized" };
            }
        });

    public Task<PaymentResult> CancelAsync(string paymentId, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(idempotencyKey, () =>
        {
            var payment = Get(paymentId);
            lock (_gate)
            {
                if (payment.Status is PaymentStatus.Authorized or PaymentStatus.RequiresAction)
                {
                    payment.Status = PaymentStatus.Cancelled;
                }

                return Result(payment);
            }
        });

    public Task<RefundResult> RefundAsync(string paymentId, Core.Money.Money amount, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(idempotencyKey, () =>
        {
            var payment = Get(paymentId);

            // The key is checked and the refund recorded under one lock: GetOrAdd may run its factory for two concurrent
            // calls with one key, and each run would refund.
            lock (_gate)
            {
                if (_refunds.TryGetValue(idempotencyKey, out var done))
                {
                    return done;
                }

                if (payment.Status != PaymentStatus.Captured || (payment.Refunded + amount).CompareTo(payment.Captured!.Value) > 0)
                {
                    throw new PaymentRefusedException($"Payment '{paymentId}' cannot refund {amount} (captured {payment.Captured}, refunded {payment.Refunded}).");
                }

                payment.Refunded += amount;
                var refund = new RefundResult($"re_sim_{Interlocked.Increment(ref _sequence):x8}", amount);
                _refunds[idempotencyKey] = refund;
                return refund;
            }
        });

    /// <summary>
    /// The customer completes (or fails) the action a payment asked for: the payment becomes authorized (or declined)
    /// and the Stripe-format webhook event that reports it is returned, with its Stripe-Signature header.
    /// </summary>
    public SimulatedWebhook CompleteAction(string paymentId, bool succeed)
    {
        var payment = Get(paymentId);
        lock (_gate)
        {
            if (payment.Status == PaymentStatus.RequiresAction)
            {
                payment.Status = succeed ? PaymentStatus.Authorized : PaymentStatus.Declined;
            }
        }

        var type = payment.Status == PaymentStatus.Authorized ? "payment_intent.amount_capturable_updated" : "payment_intent.payment_failed";
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = $"evt_sim_{Interlocked.Increment(ref _sequence):x8}",
            ["object"] = "event",
            ["api_version"] = options.ApiVersion,
            ["created"] = now,
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["type"] = type,
            ["data"] = new Dictionary<string, object?>
            {
                ["object"] = new Dictionary<string, object?>
                {
                    ["id"] = payment.Id,
                    ["object"] = "payment_intent",
                    ["amount"] = payment.Amount.MinorUnits,
                    ["currency"] = payment.Amount.Currency.Code.ToLowerInvariant(),
                    ["capture_method"] = "manual",
                    ["status"] = payment.Status == PaymentStatus.Authorized ? "requires_capture" : "requires_payment_method",
                    ["metadata"] = new Dictionary<string, string> { [StripePaymentProvider.CheckoutIdMetadata] = payment.CheckoutId },
                },
            },
        });
        var timestamp = now.ToString(CultureInfo.InvariantCulture);
        return new SimulatedWebhook(body, $"t={timestamp},v1={EventUtility.ComputeSignature(options.WebhookSecret, timestamp, body)}");
    }

    private PaymentResult Authorize(PaymentAuthorization request)
    {
        var id = $"pi_sim_{Interlocked.Increment(ref _sequence):x8}";
        var status = request.PaymentMethod switch
        {
            Cards.Visa or Cards.Flaky => PaymentStatus.Authorized,
            Cards.AuthenticationRequired => PaymentStatus.RequiresAction,
            _ => PaymentStatus.Declined,
        };
        if (status == PaymentStatus.Declined)
        {
            // Kept (a declined PaymentIntent can still be read), but not counted as a payment.
            _declined[id] = new Payment(id, request.CheckoutId, request.Amount) { Status = status };
            return new PaymentResult(id, status, DeclineCode: request.PaymentMethod == Cards.Declined ? "card_declined" : "invalid_payment_method");
        }

        var payment = new Payment(id, request.CheckoutId, request.Amount) { Status = status };
        _payments[id] = payment;
        return Result(payment);
    }

    private Payment Get(string paymentId) =>
        _payments.TryGetValue(paymentId, out var payment) || _declined.TryGetValue(paymentId, out payment)
            ? payment
            : throw new PaymentRefusedException($"Payment '{paymentId}' does not exist.");

    private PaymentResult Result(Payment payment) =>
        new(payment.Id, payment.Status, payment.Status == PaymentStatus.RequiresAction ? options.ActionUrl(payment.Id) : null);

    /// <summary>Runs a call, failing at random before it (nothing done) or after it (done, but the answer is lost).</summary>
    private Task<T> Call<T>(string? key, Func<T> work)
    {
        if (Fails())
        {
            throw new PaymentUnavailableException("The simulated provider failed before the call.");
        }

        var result = work();
        if (key is not null && Fails())
        {
            throw new PaymentUnavailableException("The simulated provider did the work but its answer was lost.");
        }

        return Task.FromResult(result);
    }

    private bool Fails()
    {
        if (options.FailureRate <= 0)
        {
            return false;
        }

        lock (_gate)
        {
            return options.Random.NextDouble() < options.FailureRate / 2;
        }
    }

    /// <summary>The payment methods the simulated provider knows (named like Stripe's test PaymentMethods).</summary>
    public static class Cards
    {
        /// <summary>Authorizes.</summary>
        public const string Visa = "pm_card_visa";

        /// <summary>Declined with card_declined.</summary>
        public const string Declined = "pm_card_chargeDeclined";

        /// <summary>Needs 3-D Secure: the payment waits for the customer's action.</summary>
        public const string AuthenticationRequired = "pm_card_authenticationRequired";

        /// <summary>The provider fails the first authorization attempt transiently; the retry succeeds.</summary>
        public const string Flaky = "pm_card_flaky";

        /// <summary>The provider is down for this card: every authorization attempt fails transiently.</summary>
        public const string Outage = "pm_card_outage";
    }

    private sealed class Payment(string id, string checkoutId, Core.Money.Money amount)
    {
        public string Id { get; } = id;

        public string CheckoutId { get; } = checkoutId;

        public Core.Money.Money Amount { get; } = amount;

        public PaymentStatus Status { get; set; }

        public Core.Money.Money? Captured { get; set; }

        public Core.Money.Money Refunded { get; set; } = Core.Money.Money.Zero(amount.Currency);

        public SimulatedPayment Snapshot() => new(Id, CheckoutId, Amount, Status, Captured, Refunded);
    }
}

/// <param name="ActionUrl">Where a customer completes a payment's action (the runner's development page for it).</param>
/// <param name="FailureRate">The chance (0 to 1) that a call fails transiently, half before and half after doing its work.</param>
public sealed record SimulatedPaymentOptions(string WebhookSecret, Func<string, string> ActionUrl, double FailureRate = 0, Random? FaultRandom = null)
{
    /// <summary>The API version the simulated events carry (Stripe.net's own, so they parse as Stripe's).</summary>
    public string ApiVersion { get; init; } = "2026-10-28.endive";

    public Random Random { get; } = FaultRandom ?? Random.Shared;
}

/// <summary>A payment as the simulated provider holds it.</summary>
public sealed record SimulatedPayment(string Id, string CheckoutId, Core.Money.Money Amount, PaymentStatus Status, Core.Money.Money? Captured, Core.Money.Money Refunded);

/// <summary>A webhook delivery: the body and its Stripe-Signature header.</summary>
public sealed record SimulatedWebhook(string Body, string Signature);

/// <summary>Where the simulated provider sends customers for a payment's action: the local runner's development page.</summary>
public static class SimulatedPayments
{
    public const string ActionRoute = "/dev/payments/{paymentId}/authenticate";

    public static string ActionPath(string paymentId) => ActionRoute.Replace("{paymentId}", Uri.EscapeDataString(paymentId), StringComparison.Ordinal);
}

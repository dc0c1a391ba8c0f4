namespace LiveShop.Core.Payments;

/// <summary>
/// A card payment provider that can authorize now and capture later (Stripe PaymentIntents with manual capture).
/// Every call carries an idempotency key: the same key always gives the first answer, so a retried step never
/// charges twice. Transient failures (the provider unreachable, 5xx, throttling) throw <see cref="PaymentUnavailableException"/>.
/// </summary>
public interface IPaymentProvider
{
    /// <summary>The provider's name, stored with orders ("stripe", "simulated").</summary>
    string Name { get; }

    Task<PaymentResult> AuthorizeAsync(PaymentAuthorization request, CancellationToken cancellationToken);

    /// <summary>The payment as it stands now (after a customer action, for instance).</summary>
    Task<PaymentResult> GetAsync(string paymentId, CancellationToken cancellationToken);

    /// <summary>
    /// The payment created for a checkout, if the provider has one (after an authorization whose answer was lost);
    /// null when it has none it can find. Stripe finds it by the checkout id in its metadata (its search may lag).
    /// </summary>
    Task<PaymentResult?> FindByCheckoutAsync(string checkoutId, CancellationToken cancellationToken);

    /// <summary>
    /// How long after a payment is created <see cref="FindByCheckoutAsync"/> may still not find it (Stripe's search is
    /// eventually consistent: new data is searchable within about a minute, later during an outage).
    /// </summary>
    TimeSpan SearchLag { get; }

    Task<PaymentResult> CaptureAsync(string paymentId, Money.Money amount, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Cancels an authorization that was not captured (the hold on the card is released).</summary>
    Task<PaymentResult> CancelAsync(string paymentId, string idempotencyKey, CancellationToken cancellationToken);

    Task<RefundResult> RefundAsync(string paymentId, Money.Money amount, string idempotencyKey, CancellationToken cancellationToken);
}

/// <param name="CheckoutId">Stored with the payment, so the provider's webhooks name the checkout.</param>
/// <param name="PaymentMethod">The provider's token of the card (a Stripe PaymentMethod id such as pm_card_visa).</param>
public sealed record PaymentAuthorization(string CheckoutId, Money.Money Amount, string PaymentMethod, string IdempotencyKey);

/// <param name="NextActionUrl">Where the customer completes the required action (3-D Secure) by redirect, when <see cref="Status"/> is RequiresAction and the provider gives one.</param>
/// <param name="DeclineCode">The provider's reason, when declined.</param>
/// <param name="ClientSecret">What the buyer's app completes the action with in the provider's SDK (Stripe.js handleNextAction), when <see cref="Status"/> is RequiresAction.</param>
public sealed record PaymentResult(string PaymentId, PaymentStatus Status, string? NextActionUrl = null, string? DeclineCode = null, string? ClientSecret = null);

public sealed record RefundResult(string RefundId, Money.Money Amount);

public enum PaymentStatus
{
    Authorized,
    RequiresAction,
    Declined,
    Captured,
    Cancelled,
}

/// <summary>The provider refused the request for good (not a card decline): the same call will not succeed later.</summary>
public sealed class PaymentRefusedException : Exception
{
    public PaymentRefusedException()
        : base("The payment provider refused the request.")
    {
    }

    public PaymentRefusedException(string message)
        : base(message)
    {
    }

    public PaymentRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The provider could not be reached or failed transiently; the same call may succeed later.</summary>
public sealed class PaymentUnavailableException : Exception
{
    public PaymentUnavailableException()
        : base("The payment provider is unavailable.")
    {
    }

    public PaymentUnavailableException(string message)
        : base(message)
    {
    }

    public PaymentUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

using System.Text.Json.Serialization;
using LiveShop.Core.Checkout;
using LiveShop.Core.Errors;
using LiveShop.Core.Storage;

namespace LiveShop.Core.Payments;

/// <summary>Checks a payment provider's webhook signature and reads the event (Stripe's scheme: the Stripe-Signature header).</summary>
public interface IPaymentWebhookVerifier
{
    /// <summary>The event, if the signature verifies against a current secret within the tolerance; 401 otherwise, 400 when the payload is not an event.</summary>
    Task<PaymentWebhookEvent> VerifyAsync(string body, string? signatureHeader, CancellationToken cancellationToken);
}

/// <param name="EventId">The provider's event id (deliveries of one event share it).</param>
/// <param name="Type">The provider's event type, e.g. payment_intent.amount_capturable_updated.</param>
/// <param name="PaymentId">The payment it is about, if any.</param>
/// <param name="CheckoutId">The checkout stored with the payment, if any.</param>
/// <param name="ActionSucceeded">For the outcome of a customer action: whether the payment is now authorized (true) or failed (false); null for other events.</param>
public sealed record PaymentWebhookEvent(string EventId, string Type, string? PaymentId, string? CheckoutId, bool? ActionSucceeded);

/// <summary>A provider event already handled (container paymentEvents; partition key: id; kept 30 days).</summary>
public sealed record PaymentEventRecord(string Id, string Type, DateTimeOffset ReceivedAt) : IDocument
{
    [JsonIgnore]
    public string PartitionKey => Id;
}

public interface IPaymentEventStore : IDocumentStore<PaymentEventRecord>;

/// <summary>
/// Handles the payment provider's webhooks: verifies the signature, ignores an event already handled (by event id),
/// and passes the outcome of a customer action (3-D Secure) to the waiting checkout as an external event. The event is
/// recorded only after it was passed on, so a delivery that fails half way is handled again on the provider's retry;
/// a checkout that receives an outcome twice uses the first.
/// </summary>
public sealed class PaymentWebhookService(IPaymentWebhookVerifier verifier, IPaymentEventStore handled, TimeProvider clock)
{
    /// <param name="workflow">Signals checkouts (the function's Durable client).</param>
    public async Task<PaymentWebhookResult> HandleAsync(string body, string? signatureHeader, ICheckoutWorkflow workflow, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var e = await verifier.VerifyAsync(body, signatureHeader, ct);
        if (await handled.ReadAsync(e.EventId, e.EventId, ct) is not null)
        {
            return new PaymentWebhookResult(e.EventId, "duplicate");
        }

        var outcome = "ignored";
        // A payment the app did not create (another integration on the account) names no checkout of ours: it is
        // acknowledged and ignored, so the provider does not retry it for days.
        if (e is { ActionSucceeded: { } succeeded, CheckoutId: { } checkoutId, PaymentId: { } paymentId } && Validation.Identifiers.IsValid(checkoutId)
            && await workflow.RaiseAsync(checkoutId, CheckoutEvents.PaymentAction, new PaymentActionEvent(paymentId, succeeded), ct))
        {
            outcome = "delivered";
        }

        try
        {
            await handled.CreateAsync(new PaymentEventRecord(e.EventId, e.Type, clock.GetUtcNow()), ct);
        }
        catch (DuplicateDocumentException)
        {
            // A concurrent delivery of the same event recorded it; the checkout uses the first outcome it receives.
        }

        return new PaymentWebhookResult(e.EventId, outcome);
    }
}

/// <param name="Outcome">"delivered" (passed to its checkout), "ignored" (not an event a checkout waits for) or "duplicate".</param>
public sealed record PaymentWebhookResult(string EventId, string Outcome);

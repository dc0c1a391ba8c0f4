using LiveShop.Core.Errors;
using LiveShop.Core.Payments;
using Stripe;

namespace LiveShop.Payments;

/// <summary>
/// Verifies Stripe-Signature (t=...,v1=...: HMAC-SHA256 of "{t}.{body}") with Stripe.net against each configured
/// signing secret (two during a rotation), within 300 seconds of the signing time, and reads the PaymentIntent events a
/// checkout waits for.
/// </summary>
public sealed class StripeWebhookVerifier(IPaymentSecrets secrets, TimeProvider clock) : IPaymentWebhookVerifier
{
    public const long ToleranceSeconds = 300;

    public async Task<PaymentWebhookEvent> VerifyAsync(string body, string? signatureHeader, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(signatureHeader))
        {
            throw LiveShopException.Unauthenticated("The Stripe-Signature header is missing.");
        }

        Event? verified = null;
        Exception? last = null;
        foreach (var secret in await secrets.WebhookSecretsAsync(cancellationToken))
        {
            try
            {
                verified = EventUtility.ConstructEvent(body, signatureHeader, secret, ToleranceSeconds, clock.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);

                // Signed JSON that is no event ("null", "{}", an object without id or type): nothing to handle or deduplicate on.
                if (string.IsNullOrEmpty(verified?.Id) || string.IsNullOrEmpty(verified.Type))
                {
                    throw LiveShopException.BadRequest("Not an event", "The signature verifies but the body is not a Stripe event (it has no id or type).");
                }

                break;
            }
            // Stripe.net reads t= with Convert.ToInt32 after the signature matched: a signed but malformed (or, after
            // 2038, too large) timestamp throws FormatException or OverflowException. It does not verify either.
            catch (Exception e) when (e is StripeException or FormatException or OverflowException)
            {
                last = e;
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or Newtonsoft.Json.JsonException or InvalidOperationException or ArgumentException)
            {
                throw LiveShopException.BadRequest("Not an event", "The signature verifies but the body is not a Stripe event.");
            }
        }

        if (verified is null)
        {
            throw LiveShopException.Unauthenticated($"The Stripe-Signature does not verify ({last?.Message ?? "no signing secret is configured"}).");
        }

        var intent = verified.Data?.Object as PaymentIntent;
        bool? succeeded = verified.Type switch
        {
            "payment_intent.amount_capturable_updated" => true,
            "payment_intent.payment_failed" or "payment_intent.canceled" => false,
            _ => null,
        };
        return new PaymentWebhookEvent(
            verified.Id,
            verified.Type,
            intent?.Id,
            intent?.Metadata?.GetValueOrDefault(StripePaymentProvider.CheckoutIdMetadata),
            intent is null ? null : succeeded);
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Stripe;

namespace LiveShop.UnitTests.Payments;

/// <summary>Stripe webhook bodies and Stripe-Signature headers, built with Stripe.net's own signing helpers.</summary>
public static class StripeEvents
{
    /// <summary>A snapshot event whose data.object is a PaymentIntent (as Stripe sends for payment_intent.* types).</summary>
    public static string PaymentIntentEvent(
        string type,
        string eventId = "evt_1",
        string paymentIntentId = "pi_1",
        string? checkoutId = "chk_1",
        string status = "requires_capture",
        string apiVersion = "2026-07-29.dahlia")
    {
        var metadata = new JsonObject();
        if (checkoutId is not null)
        {
            metadata["checkout_id"] = checkoutId;
        }

        return Event(type, eventId, apiVersion, new JsonObject
        {
            ["id"] = paymentIntentId,
            ["object"] = "payment_intent",
            ["amount"] = 1999,
            ["amount_capturable"] = status == "requires_capture" ? 1999 : 0,
            ["currency"] = "usd",
            ["capture_method"] = "manual",
            ["status"] = status,
            ["metadata"] = metadata,
        });
    }

    public static string Event(string type, string eventId, string apiVersion, JsonObject dataObject) => new JsonObject
    {
        ["id"] = eventId,
        ["object"] = "event",
        ["api_version"] = apiVersion,
        ["created"] = 1_795_000_000,
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["type"] = type,
        ["data"] = new JsonObject { ["object"] = dataObject },
    }.ToJsonString();

    /// <summary>Stripe-Signature for <paramref name="body"/> signed at <paramref name="at"/> with <paramref name="secret"/>.</summary>
    public static string Sign(string body, string secret, DateTimeOffset at) =>
        EventUtility.GenerateSignatureHeader(body, secret, at.ToUnixTimeSeconds());

    /// <summary>A header as Stripe sends it during a secret rotation: one v1 signature per secret.</summary>
    public static string SignWithEach(string body, DateTimeOffset at, params string[] secrets)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp}," + string.Join(',', secrets.Select(s => "v1=" + EventUtility.ComputeSignature(s, timestamp, body)));
    }
}

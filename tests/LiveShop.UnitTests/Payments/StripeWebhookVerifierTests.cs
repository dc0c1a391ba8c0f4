using System.Globalization;
using System.Text.Json.Nodes;
using LiveShop.Core.Errors;
using LiveShop.Core.Markets;
using LiveShop.Core.Payments;
using LiveShop.Payments;
using Microsoft.Extensions.Time.Testing;
using Stripe;

namespace LiveShop.UnitTests.Payments;

public sealed class StripeWebhookVerifierTests
{
    private const string Secret = "whsec_test_secret";
    private const string OldSecret = "whsec_old_secret";
    private const string NewSecret = "whsec_new_secret";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);

    private StripeWebhookVerifier Verifier(params string[] secrets) => new(new ConfiguredPaymentSecrets(null, secrets), _clock);

    private static async Task<LiveShopException> RefusedAsync(StripeWebhookVerifier verifier, string body, string? header)
    {
        var error = await Assert.ThrowsAsync<LiveShopException>(() => verifier.VerifyAsync(body, header, CancellationToken.None));
        Assert.Equal(ErrorKind.Unauthenticated, error.Kind);
        return error;
    }

    [Fact]
    public async Task Verify_SimulatedActionWebhook_ReadsTheCheckoutAndOutcome()
    {
        var provider = new SimulatedPaymentProvider(new SimulatedPaymentOptions(Secret, SimulatedPayments.ActionPath), _clock);
        var authorized = await provider.AuthorizeAsync(
            new PaymentAuthorization("chk_1", MarketRegistry.Get("us").Amount(1999), SimulatedPaymentProvider.Cards.AuthenticationRequired, "k"), CancellationToken.None);
        var webhook = provider.CompleteAction(authorized.PaymentId, succeed: true);

        var verified = await new StripeWebhookVerifier(new ConfiguredPaymentSecrets(null, [Secret]), _clock).VerifyAsync(webhook.Body, webhook.Signature, CancellationToken.None);

        Assert.Equal(new PaymentWebhookEvent(verified.EventId, "payment_intent.amount_capturable_updated", authorized.PaymentId, "chk_1", true), verified);
    }

    [Fact]
    public async Task VerifyAsync_ValidSignature_ReturnsTheEvent()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated", eventId: "evt_9", paymentIntentId: "pi_9", checkoutId: "chk_9");

        var verified = await Verifier(Secret).VerifyAsync(body, StripeEvents.Sign(body, Secret, Now), CancellationToken.None);

        Assert.Equal(new PaymentWebhookEvent("evt_9", "payment_intent.amount_capturable_updated", "pi_9", "chk_9", true), verified);
    }

    [Theory]
    [InlineData("payment_intent.amount_capturable_updated", "requires_capture", true)]
    [InlineData("payment_intent.payment_failed", "requires_payment_method", false)]
    [InlineData("payment_intent.canceled", "canceled", false)]
    [InlineData("payment_intent.succeeded", "succeeded", null)]
    [InlineData("payment_intent.created", "requires_payment_method", null)]
    [InlineData("payment_intent.requires_action", "requires_action", null)]
    public async Task VerifyAsync_PaymentIntentEventType_ReportsTheActionOutcome(string type, string status, bool? succeeded)
    {
        var body = StripeEvents.PaymentIntentEvent(type, status: status);

        var verified = await Verifier(Secret).VerifyAsync(body, StripeEvents.Sign(body, Secret, Now), CancellationToken.None);

        Assert.Equal(new PaymentWebhookEvent("evt_1", type, "pi_1", "chk_1", succeeded), verified);
    }

    [Fact]
    public async Task VerifyAsync_EventAboutAnotherObject_HasNoPaymentOrOutcome()
    {
        var body = StripeEvents.Event("charge.refunded", "evt_charge", "2026-07-29.dahlia", new JsonObject
        {
            ["id"] = "ch_1",
            ["object"] = "charge",
            ["amount"] = 1999,
            ["currency"] = "usd",
            ["payment_intent"] = "pi_1",
        });

        var verified = await Verifier(Secret).VerifyAsync(body, StripeEvents.Sign(body, Secret, Now), CancellationToken.None);

        Assert.Equal(new PaymentWebhookEvent("evt_charge", "charge.refunded", null, null, null), verified);
    }

    [Fact]
    public async Task VerifyAsync_PaymentIntentWithoutCheckoutMetadata_HasNoCheckout()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated", checkoutId: null);

        var verified = await Verifier(Secret).VerifyAsync(body, StripeEvents.Sign(body, Secret, Now), CancellationToken.None);

        Assert.Null(verified.CheckoutId);
        Assert.Equal("pi_1", verified.PaymentId);
    }

    [Fact]
    public async Task VerifyAsync_EventOfAnotherApiVersion_IsAccepted()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.payment_failed", status: "requires_payment_method", apiVersion: "2024-06-20.acacia");

        var verified = await Verifier(Secret).VerifyAsync(body, StripeEvents.Sign(body, Secret, Now), CancellationToken.None);

        Assert.False(verified.ActionSucceeded);
    }

    [Fact]
    public async Task VerifyAsync_TamperedBody_IsUnauthenticated()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.payment_failed", status: "requires_payment_method");
        var header = StripeEvents.Sign(body, Secret, Now);
        var tampered = body.Replace("payment_intent.payment_failed", "payment_intent.amount_capturable_updated", StringComparison.Ordinal);

        await RefusedAsync(Verifier(Secret), tampered, header);
    }

    [Fact]
    public async Task VerifyAsync_SignedWithAnotherSecret_IsUnauthenticated()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated");

        await RefusedAsync(Verifier(Secret), body, StripeEvents.Sign(body, "whsec_someone_else", Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task VerifyAsync_MissingHeader_IsUnauthenticated(string? header)
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated");

        var error = await RefusedAsync(Verifier(Secret), body, header);

        Assert.Contains("missing", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("t=1795000000")]
    [InlineData("v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd")]
    [InlineData("t=,v1=")]
    [InlineData("t=1795000000;v1=abc")]
    [InlineData("t=1795000000,,v1=abc")]
    [InlineData(" , ")]
    public async Task VerifyAsync_MalformedHeader_IsUnauthenticated(string header)
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated");

        await RefusedAsync(Verifier(Secret), body, header);
    }

    [Fact]
    public async Task VerifyAsync_OnlyAV0Signature_IsUnauthenticated()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated");
        var timestamp = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        await RefusedAsync(Verifier(Secret), body, $"t={timestamp},v0={EventUtility.ComputeSignature(Secret, timestamp, body)}");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("99999999999")]
    public async Task VerifyAsync_SignedHeaderWithAMalformedTimestamp_IsUnauthenticated(string timestamp)
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated");

        await RefusedAsync(Verifier(Secret), body, $"t={timestamp},v1={EventUtility.ComputeSignature(Secret, timestamp, body)}");
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(300)]
    public async Task VerifyAsync_SignedWithinTheTolerance_IsAccepted(int secondsFromNow)
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated");

        var verified = await Verifier(Secret).VerifyAsync(body, StripeEvents.Sign(body, Secret, Now.AddSeconds(secondsFromNow)), CancellationToken.None);

        Assert.Equal("evt_1", verified.EventId);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(-86_400)]
    [InlineData(301)]
    [InlineData(3_600)]
    public async Task VerifyAsync_SignedOutsideTheTolerance_IsUnauthenticated(int secondsFromNow)
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated");

        await RefusedAsync(Verifier(Secret), body, StripeEvents.Sign(body, Secret, Now.AddSeconds(secondsFromNow)));
    }

    [Fact]
    public async Task VerifyAsync_ValidDeliveryReplayedAfterTheTolerance_IsUnauthenticated()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated");
        var header = StripeEvents.Sign(body, Secret, Now);
        var verifier = Verifier(Secret);
        await verifier.VerifyAsync(body, header, CancellationToken.None);

        _clock.Advance(TimeSpan.FromSeconds(301));

        await RefusedAsync(verifier, body, header);
    }

    [Theory]
    [InlineData(OldSecret)]
    [InlineData(NewSecret)]
    public async Task VerifyAsync_RotationHeaderWithBothSignatures_IsAcceptedWithEitherSecret(string configured)
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated");
        var header = StripeEvents.SignWithEach(body, Now, OldSecret, NewSecret);

        var verified = await Verifier(configured).VerifyAsync(body, header, CancellationToken.None);

        Assert.Equal("evt_1", verified.EventId);
    }

    [Theory]
    [InlineData(OldSecret)]
    [InlineData(NewSecret)]
    public async Task VerifyAsync_TwoConfiguredSecrets_AcceptAHeaderSignedWithEither(string signer)
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated");

        var verified = await Verifier(NewSecret, OldSecret).VerifyAsync(body, StripeEvents.Sign(body, signer, Now), CancellationToken.None);

        Assert.Equal("evt_1", verified.EventId);
    }

    [Fact]
    public async Task VerifyAsync_TwoConfiguredSecretsNeitherSigned_IsUnauthenticated()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated");

        await RefusedAsync(Verifier(NewSecret, OldSecret), body, StripeEvents.SignWithEach(body, Now, "whsec_a", "whsec_b"));
    }

    [Fact]
    public async Task VerifyAsync_NoSecretConfigured_IsUnauthenticated()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated");

        await RefusedAsync(Verifier(), body, StripeEvents.Sign(body, Secret, Now));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"id\":")]
    [InlineData("null")]
    public async Task VerifyAsync_SignedBodyThatIsNotAnEvent_IsABadRequest(string body)
    {
        var error = await Assert.ThrowsAsync<LiveShopException>(() => Verifier(Secret).VerifyAsync(body, StripeEvents.Sign(body, Secret, Now), CancellationToken.None));

        Assert.Equal(ErrorKind.BadRequest, error.Kind);
    }
}

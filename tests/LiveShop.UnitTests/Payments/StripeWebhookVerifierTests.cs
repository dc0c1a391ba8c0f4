using LiveShop.Core.Errors;
using LiveShop.Core.Markets;
using LiveShop.Core.Payments;
using LiveShop.Payments;
using Microsoft.Extensions.Time.Testing;

namespace LiveShop.UnitTests.Payments;

public sealed class StripeWebhookVerifierTests
{
    private const string Secret = "whsec_test_secret";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero));

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
}

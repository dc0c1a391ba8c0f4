using LiveShop.Core.Errors;
using LiveShop.Core.Markets;
using LiveShop.Core.Payments;
using LiveShop.Payments;
using Microsoft.Extensions.Time.Testing;
using Cards = LiveShop.Payments.SimulatedPaymentProvider.Cards;

namespace LiveShop.UnitTests.Payments;

public sealed class SimulatedPaymentProviderTests
{
    private const string Secret = "whsec_simulated";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);

    private SimulatedPaymentProvider Provider(double failureRate = 0, Random? random = null) =>
        new(new SimulatedPaymentOptions(Secret, SimulatedPayments.ActionPath, failureRate, random), _clock);

    private static Core.Money.Money Usd(long cents) => MarketRegistry.Get("us").Amount(cents);

    private static PaymentAuthorization Authorization(string card, string key = "chk_1:authorize", long cents = 1999) =>
        new("chk_1", Usd(cents), card, key);

    private static async Task<string> AuthorizedAsync(SimulatedPaymentProvider provider, string key = "chk_1:authorize", long cents = 1999)
    {
        var result = await provider.AuthorizeAsync(Authorization(Cards.Visa, key, cents), CancellationToken.None);
        Assert.Equal(PaymentStatus.Authorized, result.Status);
        return result.PaymentId;
    }

    [Fact]
    public async Task AuthorizeAsync_Visa_AuthorizesAndKeepsThePayment()
    {
        var provider = Provider();

        var result = await provider.AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None);

        Assert.Equal(new PaymentResult(result.PaymentId, PaymentStatus.Authorized), result);
        Assert.Equal(new SimulatedPayment(result.PaymentId, "chk_1", Usd(1999), PaymentStatus.Authorized, null, Usd(0)), provider.Find(result.PaymentId));
        Assert.Equal(1, provider.PaymentCount);
    }

    [Theory]
    [InlineData(Cards.Declined, "card_declined")]
    [InlineData("pm_card_unknown", "invalid_payment_method")]
    public async Task AuthorizeAsync_CardThatDoesNotPay_IsDeclinedAndKeepsNoPayment(string card, string declineCode)
    {
        var provider = Provider();

        var result = await provider.AuthorizeAsync(Authorization(card), CancellationToken.None);

        Assert.Equal(PaymentStatus.Declined, result.Status);
        Assert.Equal(declineCode, result.DeclineCode);
        Assert.Equal(0, provider.PaymentCount);
    }

    [Fact]
    public async Task AuthorizeAsync_AuthenticationRequired_RequiresActionAtTheRunnersPage()
    {
        var provider = Provider();

        var result = await provider.AuthorizeAsync(Authorization(Cards.AuthenticationRequired), CancellationToken.None);

        Assert.Equal(new PaymentResult(result.PaymentId, PaymentStatus.RequiresAction, SimulatedPayments.ActionPath(result.PaymentId)), result);
        Assert.Equal(1, provider.PaymentCount);
    }

    [Fact]
    public async Task AuthorizeAsync_Flaky_FailsTheFirstAttemptAndTheRetryAuthorizesOnce()
    {
        var provider = Provider();

        await Assert.ThrowsAsync<PaymentUnavailableException>(() => provider.AuthorizeAsync(Authorization(Cards.Flaky), CancellationToken.None));
        var retried = await provider.AuthorizeAsync(Authorization(Cards.Flaky), CancellationToken.None);
        var again = await provider.AuthorizeAsync(Authorization(Cards.Flaky), CancellationToken.None);

        Assert.Equal(PaymentStatus.Authorized, retried.Status);
        Assert.Equal(retried, again);
        Assert.Equal(1, provider.PaymentCount);
    }

    [Fact]
    public async Task AuthorizeAsync_Outage_FailsEveryAttemptAndKeepsNoPayment()
    {
        var provider = Provider();

        for (var attempt = 0; attempt < 3; attempt++)
        {
            await Assert.ThrowsAsync<PaymentUnavailableException>(() => provider.AuthorizeAsync(Authorization(Cards.Outage), CancellationToken.None));
        }

        Assert.Equal(0, provider.PaymentCount);
    }

    [Fact]
    public async Task AuthorizeAsync_SameKeyTwice_ReturnsTheSamePayment()
    {
        var provider = Provider();

        var first = await provider.AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None);
        var second = await provider.AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(1, provider.PaymentCount);
    }

    [Fact]
    public async Task AuthorizeAsync_SameKeyWithOtherParameters_ReturnsTheFirstAnswer()
    {
        var provider = Provider();
        var first = await provider.AuthorizeAsync(Authorization(Cards.Visa, cents: 1999), CancellationToken.None);

        // Stripe would answer 400 idempotency_error; the simulator keeps the first answer for the key.
        var second = await provider.AuthorizeAsync(Authorization(Cards.Declined, cents: 2999), CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(Usd(1999), provider.Find(first.PaymentId)!.Amount);
    }

    [Fact]
    public async Task AuthorizeAsync_SameKeyConcurrently_CreatesOnePayment()
    {
        var provider = Provider();

        var results = await Builders.Race.RunAsync(Enumerable.Range(0, 16), _ => provider.AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None));

        Assert.Single(results.Distinct());
        Assert.Equal(1, provider.PaymentCount);
    }

    [Fact]
    public async Task AuthorizeAsync_OtherKey_CreatesAnotherPayment()
    {
        var provider = Provider();

        var first = await provider.AuthorizeAsync(Authorization(Cards.Visa, "chk_1:authorize"), CancellationToken.None);
        var second = await provider.AuthorizeAsync(Authorization(Cards.Visa, "chk_2:authorize"), CancellationToken.None);

        Assert.NotEqual(first.PaymentId, second.PaymentId);
        Assert.Equal(2, provider.PaymentCount);
    }

    [Fact]
    public async Task CaptureAsync_Authorized_CapturesTheAmount()
    {
        var provider = Provider();
        var id = await AuthorizedAsync(provider);

        var result = await provider.CaptureAsync(id, Usd(1500), "chk_1:capture", CancellationToken.None);

        Assert.Equal(new PaymentResult(id, PaymentStatus.Captured), result);
        Assert.Equal(Usd(1500), provider.Find(id)!.Captured);
    }

    [Fact]
    public async Task CaptureAsync_Repeated_ReturnsCapturedAndKeepsTheFirstAmount()
    {
        var provider = Provider();
        var id = await AuthorizedAsync(provider);
        await provider.CaptureAsync(id, Usd(1999), "chk_1:capture", CancellationToken.None);

        var again = await provider.CaptureAsync(id, Usd(1999), "chk_1:capture", CancellationToken.None);

        Assert.Equal(PaymentStatus.Captured, again.Status);
        Assert.Equal(Usd(1999), provider.Find(id)!.Captured);
    }

    [Fact]
    public async Task CaptureAsync_MoreThanAuthorized_IsDeclinedAndTheHoldStays()
    {
        var provider = Provider();
        var id = await AuthorizedAsync(provider);

        var result = await provider.CaptureAsync(id, Usd(2000), "chk_1:capture", CancellationToken.None);

        Assert.Equal(new PaymentResult(id, PaymentStatus.Declined, DeclineCode: "not_authorized"), result);
        Assert.Equal(PaymentStatus.Authorized, provider.Find(id)!.Status);
    }

    [Fact]
    public async Task CaptureAsync_AwaitingAction_IsDeclined()
    {
        var provider = Provider();
        var action = await provider.AuthorizeAsync(Authorization(Cards.AuthenticationRequired), CancellationToken.None);

        var result = await provider.CaptureAsync(action.PaymentId, Usd(1999), "chk_1:capture", CancellationToken.None);

        Assert.Equal(PaymentStatus.Declined, result.Status);
        Assert.Equal(PaymentStatus.RequiresAction, provider.Find(action.PaymentId)!.Status);
    }

    [Theory]
    [InlineData(Cards.Visa)]
    [InlineData(Cards.AuthenticationRequired)]
    public async Task CancelAsync_NotCaptured_Cancels(string card)
    {
        var provider = Provider();
        var payment = await provider.AuthorizeAsync(Authorization(card), CancellationToken.None);

        var result = await provider.CancelAsync(payment.PaymentId, "chk_1:cancel", CancellationToken.None);

        Assert.Equal(new PaymentResult(payment.PaymentId, PaymentStatus.Cancelled), result);
    }

    [Fact]
    public async Task CancelAsync_Captured_LeavesItCaptured()
    {
        var provider = Provider();
        var id = await AuthorizedAsync(provider);
        await provider.CaptureAsync(id, Usd(1999), "chk_1:capture", CancellationToken.None);

        var result = await provider.CancelAsync(id, "chk_1:cancel", CancellationToken.None);

        Assert.Equal(PaymentStatus.Captured, result.Status);
    }

    [Fact]
    public async Task RefundAsync_Captured_RefundsAndTheSameKeyRefundsOnce()
    {
        var provider = Provider();
        var id = await AuthorizedAsync(provider);
        await provider.CaptureAsync(id, Usd(1999), "chk_1:capture", CancellationToken.None);

        var first = await provider.RefundAsync(id, Usd(500), "chk_1:refund", CancellationToken.None);
        var second = await provider.RefundAsync(id, Usd(500), "chk_1:refund", CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(Usd(500), first.Amount);
        Assert.Equal(Usd(500), provider.Find(id)!.Refunded);
    }

    [Fact]
    public async Task RefundAsync_SameKeyConcurrently_RefundsOnce()
    {
        for (var round = 0; round < 3000; round++)
        {
            var provider = Provider();
            var id = await AuthorizedAsync(provider);
            await provider.CaptureAsync(id, Usd(1999), "chk_1:capture", CancellationToken.None);

            var results = await Builders.Race.RunAsync(Enumerable.Range(0, 16), _ => provider.RefundAsync(id, Usd(500), "chk_1:refund", CancellationToken.None));

            Assert.Single(results.Distinct());
            Assert.Equal(Usd(500), provider.Find(id)!.Refunded);
        }
    }

    [Fact]
    public async Task RefundAsync_BeyondTheCapturedAmount_IsRefused()
    {
        var provider = Provider();
        var id = await AuthorizedAsync(provider);
        await provider.CaptureAsync(id, Usd(1500), "chk_1:capture", CancellationToken.None);
        await provider.RefundAsync(id, Usd(1000), "refund-1", CancellationToken.None);

        await Assert.ThrowsAsync<PaymentRefusedException>(() => provider.RefundAsync(id, Usd(501), "refund-2", CancellationToken.None));

        Assert.Equal(Usd(1000), provider.Find(id)!.Refunded);
    }

    [Fact]
    public async Task RefundAsync_NotCaptured_IsRefused()
    {
        var provider = Provider();
        var id = await AuthorizedAsync(provider);

        await Assert.ThrowsAsync<PaymentRefusedException>(() => provider.RefundAsync(id, Usd(100), "refund-1", CancellationToken.None));
    }

    [Fact]
    public async Task CompleteAction_Succeeded_AuthorizesAndSignsAWebhookTheVerifierAccepts()
    {
        var provider = Provider();
        var action = await provider.AuthorizeAsync(Authorization(Cards.AuthenticationRequired), CancellationToken.None);

        var webhook = provider.CompleteAction(action.PaymentId, succeed: true);

        var verified = await new StripeWebhookVerifier(new ConfiguredPaymentSecrets(null, [Secret]), _clock).VerifyAsync(webhook.Body, webhook.Signature, CancellationToken.None);
        Assert.Equal(new PaymentWebhookEvent(verified.EventId, "payment_intent.amount_capturable_updated", action.PaymentId, "chk_1", true), verified);
        Assert.Equal(new PaymentResult(action.PaymentId, PaymentStatus.Authorized), await provider.GetAsync(action.PaymentId, CancellationToken.None));
    }

    [Fact]
    public async Task CompleteAction_Failed_DeclinesAndReportsPaymentFailed()
    {
        var provider = Provider();
        var action = await provider.AuthorizeAsync(Authorization(Cards.AuthenticationRequired), CancellationToken.None);

        var webhook = provider.CompleteAction(action.PaymentId, succeed: false);

        var verified = await new StripeWebhookVerifier(new ConfiguredPaymentSecrets(null, [Secret]), _clock).VerifyAsync(webhook.Body, webhook.Signature, CancellationToken.None);
        Assert.Equal(new PaymentWebhookEvent(verified.EventId, "payment_intent.payment_failed", action.PaymentId, "chk_1", false), verified);
        Assert.Equal(PaymentStatus.Declined, provider.Find(action.PaymentId)!.Status);
    }

    [Fact]
    public async Task CompleteAction_EachCall_IsANewEventId()
    {
        var provider = Provider();
        var action = await provider.AuthorizeAsync(Authorization(Cards.AuthenticationRequired), CancellationToken.None);
        var verifier = new StripeWebhookVerifier(new ConfiguredPaymentSecrets(null, [Secret]), _clock);

        var first = provider.CompleteAction(action.PaymentId, succeed: true);
        var second = provider.CompleteAction(action.PaymentId, succeed: false);

        var (a, b) = (await verifier.VerifyAsync(first.Body, first.Signature, CancellationToken.None), await verifier.VerifyAsync(second.Body, second.Signature, CancellationToken.None));
        Assert.NotEqual(a.EventId, b.EventId);
        // The payment was already authorized: the second completion changes nothing and reports it again.
        Assert.Equal(true, b.ActionSucceeded);
    }

    [Fact]
    public async Task CompleteAction_WebhookDeliveredAfterTheTolerance_IsRefused()
    {
        var provider = Provider();
        var action = await provider.AuthorizeAsync(Authorization(Cards.AuthenticationRequired), CancellationToken.None);
        var webhook = provider.CompleteAction(action.PaymentId, succeed: true);

        _clock.Advance(TimeSpan.FromSeconds(StripeWebhookVerifier.ToleranceSeconds + 1));

        var error = await Assert.ThrowsAsync<LiveShopException>(() =>
            new StripeWebhookVerifier(new ConfiguredPaymentSecrets(null, [Secret]), _clock).VerifyAsync(webhook.Body, webhook.Signature, CancellationToken.None));
        Assert.Equal(ErrorKind.Unauthenticated, error.Kind);
    }

    [Fact]
    public void CompleteAction_UnknownPayment_Throws()
    {
        Assert.Throws<PaymentRefusedException>(() => Provider().CompleteAction("pi_sim_missing", succeed: true));
    }

    [Fact]
    public async Task AuthorizeAsync_FailureBeforeTheWork_ChangesNothingAndTheRetryAuthorizes()
    {
        var random = new ScriptedRandom(Fail);
        var provider = Provider(failureRate: 1, random);

        var error = await Assert.ThrowsAsync<PaymentUnavailableException>(() => provider.AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None));
        var countAfterFailure = provider.PaymentCount;
        var retried = await provider.AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None);

        Assert.Contains("before", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, countAfterFailure);
        Assert.Equal(PaymentStatus.Authorized, retried.Status);
        Assert.Equal(1, provider.PaymentCount);
    }

    [Fact]
    public async Task AuthorizeAsync_FailureAfterTheWork_LeavesItDoneAndTheRetryReturnsIt()
    {
        var random = new ScriptedRandom(Pass, Fail);
        var provider = Provider(failureRate: 1, random);

        var error = await Assert.ThrowsAsync<PaymentUnavailableException>(() => provider.AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None));
        var countAfterFailure = provider.PaymentCount;
        var retried = await provider.AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None);

        Assert.Contains("lost", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, countAfterFailure);
        Assert.Equal(PaymentStatus.Authorized, provider.Find(retried.PaymentId)!.Status);
        Assert.Equal(1, provider.PaymentCount);
    }

    [Fact]
    public async Task CaptureAsync_FailureAfterTheWork_LeavesItCapturedAndTheRetryReturnsCaptured()
    {
        var random = new ScriptedRandom();
        var provider = Provider(failureRate: 1, random);
        var id = await AuthorizedAsync(provider);
        random.Enqueue(Pass, Fail);

        await Assert.ThrowsAsync<PaymentUnavailableException>(() => provider.CaptureAsync(id, Usd(1999), "chk_1:capture", CancellationToken.None));
        var capturedBeforeRetry = provider.Find(id)!.Captured;
        var retried = await provider.CaptureAsync(id, Usd(1999), "chk_1:capture", CancellationToken.None);

        Assert.Equal(Usd(1999), capturedBeforeRetry);
        Assert.Equal(PaymentStatus.Captured, retried.Status);
    }

    [Fact]
    public async Task RefundAsync_FailureAfterTheWork_TheRetryReturnsTheSameRefundAndRefundsOnce()
    {
        var random = new ScriptedRandom();
        var provider = Provider(failureRate: 1, random);
        var id = await AuthorizedAsync(provider);
        await provider.CaptureAsync(id, Usd(1999), "chk_1:capture", CancellationToken.None);
        random.Enqueue(Pass, Fail);

        await Assert.ThrowsAsync<PaymentUnavailableException>(() => provider.RefundAsync(id, Usd(700), "chk_1:refund", CancellationToken.None));
        var retried = await provider.RefundAsync(id, Usd(700), "chk_1:refund", CancellationToken.None);

        Assert.Equal(Usd(700), retried.Amount);
        Assert.Equal(Usd(700), provider.Find(id)!.Refunded);
    }

    [Fact]
    public async Task RefundAsync_FailureBeforeTheWork_RefundsNothing()
    {
        var random = new ScriptedRandom();
        var provider = Provider(failureRate: 1, random);
        var id = await AuthorizedAsync(provider);
        await provider.CaptureAsync(id, Usd(1999), "chk_1:capture", CancellationToken.None);
        random.Enqueue(Fail);

        await Assert.ThrowsAsync<PaymentUnavailableException>(() => provider.RefundAsync(id, Usd(700), "chk_1:refund", CancellationToken.None));

        Assert.Equal(Usd(0), provider.Find(id)!.Refunded);
    }

    [Fact]
    public async Task FailureRate_SeededRandomAndRetriesWithTheSameKeys_EveryCheckoutPaysOnceInFull()
    {
        const int Checkouts = 200;
        var provider = Provider(failureRate: 0.5, new Random(20261126));
        var failures = new List<string>();

        async Task<T> RetryAsync<T>(Func<Task<T>> call)
        {
            while (true)
            {
                try
                {
                    return await call();
                }
                catch (PaymentUnavailableException e)
                {
                    failures.Add(e.Message);
                }
            }
        }

        var ids = new List<string>();
        for (var i = 0; i < Checkouts; i++)
        {
            var checkout = $"chk_{i}";
            var authorized = await RetryAsync(() => provider.AuthorizeAsync(new PaymentAuthorization(checkout, Usd(1999), Cards.Visa, checkout + ":authorize"), CancellationToken.None));
            await RetryAsync(() => provider.CaptureAsync(authorized.PaymentId, Usd(1999), checkout + ":capture", CancellationToken.None));
            await RetryAsync(() => provider.RefundAsync(authorized.PaymentId, Usd(500), checkout + ":refund", CancellationToken.None));
            ids.Add(authorized.PaymentId);
        }

        Assert.Contains(failures, m => m.Contains("before", StringComparison.Ordinal));
        Assert.Contains(failures, m => m.Contains("lost", StringComparison.Ordinal));
        Assert.Equal(Checkouts, provider.PaymentCount);
        Assert.Equal(Checkouts, ids.Distinct().Count());
        Assert.All(ids, id =>
        {
            var payment = provider.Find(id)!;
            Assert.Equal((PaymentStatus.Captured, Usd(1999), Usd(500)), (payment.Status, payment.Captured!.Value, payment.Refunded));
        });
    }

    private const double Fail = 0.0;
    private const double Pass = 0.99;

    /// <summary>
    /// A Random whose NextDouble answers from a script, then <see cref="Pass"/>. With FailureRate 1 the simulator fails a
    /// step when NextDouble is below 0.5: each call draws once before its work and, when it has a key, once after.
    /// </summary>
    private sealed class ScriptedRandom(params double[] script) : Random
    {
        private readonly Queue<double> _script = new(script);

        public void Enqueue(params double[] values)
        {
            foreach (var value in values)
            {
                _script.Enqueue(value);
            }
        }

        public override double NextDouble() => _script.TryDequeue(out var value) ? value : Pass;

        protected override double Sample() => NextDouble();
    }
}

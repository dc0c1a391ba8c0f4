using System.Net;
using System.Net.Sockets;
using LiveShop.Core.Markets;
using LiveShop.Core.Payments;
using LiveShop.Payments;
using LiveShop.UnitTests.Payments.Fakes;
using Stripe;
using Cards = LiveShop.UnitTests.Payments.Fakes.FakeStripeServer.Cards;
using Fault = LiveShop.UnitTests.Payments.Fakes.FakeStripeServer.Fault;

namespace LiveShop.UnitTests.Payments;

/// <summary>
/// The Stripe provider through Stripe.net's real HTTP client against <see cref="FakeStripeServer"/>, which checks each
/// request as Stripe's API reference documents it and answers as Stripe does.
/// </summary>
public sealed class StripePaymentProviderTests : IClassFixture<FakeStripeServer>
{
    private readonly FakeStripeServer _stripe;

    public StripePaymentProviderTests(FakeStripeServer stripe)
    {
        _stripe = stripe;
        _stripe.Reset();
    }

    private static Core.Money.Money Usd(long cents) => MarketRegistry.Get("us").Amount(cents);

    private static string Key() => "chk_" + Guid.NewGuid().ToString("N") + ":authorize";

    private static PaymentAuthorization Authorization(string card, long cents = 1999, string? key = null, string checkoutId = "chk_1") =>
        new(checkoutId, Usd(cents), card, key ?? Key());

    private async Task<string> AuthorizedAsync(long cents = 1999)
    {
        var result = await _stripe.Provider().AuthorizeAsync(Authorization(Cards.Visa, cents), CancellationToken.None);
        Assert.Equal(PaymentStatus.Authorized, result.Status);
        _stripe.Reset();
        return result.PaymentId;
    }

    [Fact]
    public async Task AuthorizeAsync_Card_SendsAManualCaptureConfirmationAsStripeDocumentsIt()
    {
        var key = Key();

        var result = await _stripe.Provider().AuthorizeAsync(Authorization(Cards.Visa, 1999, key, "chk_42"), CancellationToken.None);

        var request = Assert.Single(_stripe.Requests);
        Assert.Equal(("POST", "/v1/payment_intents"), (request.Method, request.Path));
        Assert.Equal("Bearer " + FakeStripeServer.ApiKey, request.Header("Authorization"));
        Assert.Equal(key, request.Header("Idempotency-Key"));
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        Assert.NotNull(request.Header("Stripe-Version"));
        Assert.Equal(
            new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["amount"] = "1999",
                ["automatic_payment_methods[allow_redirects]"] = "never",
                ["automatic_payment_methods[enabled]"] = "true",
                ["capture_method"] = "manual",
                ["confirm"] = "true",
                ["currency"] = "usd",
                ["metadata[checkout_id]"] = "chk_42",
                ["payment_method"] = Cards.Visa,
            },
            new SortedDictionary<string, string>(request.Form.ToDictionary(), StringComparer.Ordinal));
        Assert.Equal(new PaymentResult(result.PaymentId, PaymentStatus.Authorized), result);
        var intent = _stripe.Intent(result.PaymentId)!;
        Assert.Equal("requires_capture", (string?)intent["status"]);
        Assert.Equal(1999L, (long)intent["amount_capturable"]!);
    }

    [Fact]
    public async Task AuthorizeAsync_ZeroDecimalCurrency_SendsTheAmountAsIsInMinorUnits()
    {
        var dong = MarketRegistry.Get("vn").Amount(250_000);

        var result = await _stripe.Provider().AuthorizeAsync(new PaymentAuthorization("chk_vn", dong, Cards.Visa, Key()), CancellationToken.None);

        var request = Assert.Single(_stripe.Requests);
        Assert.Equal("250000", request.Form["amount"]);
        Assert.Equal("vnd", request.Form["currency"]);
        Assert.Equal(PaymentStatus.Authorized, result.Status);
        Assert.Equal(250_000L, (long)_stripe.Intent(result.PaymentId)!["amount"]!);
    }

    [Fact]
    public async Task AuthorizeAsync_SameKeyTwice_CreatesOnePaymentIntentAndReplaysTheFirstAnswer()
    {
        var request = Authorization(Cards.Visa);
        var provider = _stripe.Provider();
        var before = _stripe.PaymentIntentCount;

        var first = await provider.AuthorizeAsync(request, CancellationToken.None);
        var second = await provider.AuthorizeAsync(request, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(before + 1, _stripe.PaymentIntentCount);
        Assert.All(_stripe.Requests, r => Assert.Equal(request.IdempotencyKey, r.Header("Idempotency-Key")));
    }

    [Fact]
    public async Task AuthorizeAsync_AnswerLostAndRetriedByStripeNet_CreatesOnePaymentIntent()
    {
        var request = Authorization(Cards.Visa);
        var before = _stripe.PaymentIntentCount;
        _stripe.Fail(Fault.DropAfterWork);

        var result = await _stripe.Provider(maxNetworkRetries: 2).AuthorizeAsync(request, CancellationToken.None);

        Assert.Equal(PaymentStatus.Authorized, result.Status);
        Assert.Equal(before + 1, _stripe.PaymentIntentCount);
        Assert.Equal(2, _stripe.Requests.Count);
        Assert.All(_stripe.Requests, r => Assert.Equal(request.IdempotencyKey, r.Header("Idempotency-Key")));
    }

    [Fact]
    public async Task AuthorizeAsync_AnswerLostThenRetriedByTheCaller_ReturnsTheSamePaymentIntent()
    {
        var request = Authorization(Cards.Visa);
        var provider = _stripe.Provider(maxNetworkRetries: 0);
        var before = _stripe.PaymentIntentCount;
        _stripe.Fail(Fault.DropAfterWork);

        await Assert.ThrowsAsync<PaymentUnavailableException>(() => provider.AuthorizeAsync(request, CancellationToken.None));
        var retried = await provider.AuthorizeAsync(request, CancellationToken.None);

        Assert.Equal(PaymentStatus.Authorized, retried.Status);
        Assert.Equal(before + 1, _stripe.PaymentIntentCount);
    }

    [Fact]
    public async Task AuthorizeAsync_SameKeyWithOtherParameters_IsRefusedAsStripeDoes()
    {
        var provider = _stripe.Provider();
        var request = Authorization(Cards.Visa, 1999);
        await provider.AuthorizeAsync(request, CancellationToken.None);

        var declined = await provider.AuthorizeAsync(request with { Amount = Usd(2999) }, CancellationToken.None);

        Assert.Equal(PaymentStatus.Declined, declined.Status);
        Assert.Equal("idempotency_error", declined.DeclineCode);
    }

    [Theory]
    [InlineData(Cards.Declined, "generic_decline")]
    [InlineData(Cards.InsufficientFunds, "insufficient_funds")]
    [InlineData(Cards.Expired, "expired_card")]
    public async Task AuthorizeAsync_DeclinedCard_ReturnsDeclinedWithTheDeclineCode(string card, string declineCode)
    {
        var result = await _stripe.Provider().AuthorizeAsync(Authorization(card), CancellationToken.None);

        Assert.Equal(PaymentStatus.Declined, result.Status);
        Assert.Equal(declineCode, result.DeclineCode);
        Assert.Equal("requires_payment_method", (string?)_stripe.Intent(result.PaymentId)?["status"]);
    }

    [Fact]
    public async Task AuthorizeAsync_DeclineRetriedWithTheSameKey_ReplaysTheDecline()
    {
        var request = Authorization(Cards.Declined);
        var provider = _stripe.Provider();
        var before = _stripe.PaymentIntentCount;

        var first = await provider.AuthorizeAsync(request, CancellationToken.None);
        var second = await provider.AuthorizeAsync(request, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(before + 1, _stripe.PaymentIntentCount);
    }

    [Fact]
    public async Task AuthorizeAsync_CardNeedingThreeDSecure_RequiresActionWithTheClientSecret()
    {
        var result = await _stripe.Provider().AuthorizeAsync(Authorization(Cards.AuthenticationRequired), CancellationToken.None);

        // Confirmed on the server without a return_url, Stripe asks for use_stripe_sdk, not redirect_to_url: no URL to
        // send the buyer to, but the client secret the buyer's app completes the action with (Stripe.js).
        Assert.Equal(new PaymentResult(result.PaymentId, PaymentStatus.RequiresAction, ClientSecret: (string?)_stripe.Intent(result.PaymentId)!["client_secret"]), result);
        Assert.NotNull(result.ClientSecret);
        Assert.Equal("use_stripe_sdk", (string?)_stripe.Intent(result.PaymentId)!["next_action"]!["type"]);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(429)]
    public async Task AuthorizeAsync_ServerErrorOrThrottling_ThrowsPaymentUnavailable(int status)
    {
        var before = _stripe.PaymentIntentCount;
        _stripe.Fail(Fault.Answer(status));

        var error = await Assert.ThrowsAsync<PaymentUnavailableException>(() => _stripe.Provider().AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None));

        Assert.Equal((HttpStatusCode)status, Assert.IsType<StripeException>(error.InnerException).HttpStatusCode);
        Assert.Equal(before, _stripe.PaymentIntentCount);
    }

    [Fact]
    public async Task AuthorizeAsync_ServerErrorOnce_IsRetriedByStripeNetWithTheSameKey()
    {
        var request = Authorization(Cards.Visa);
        _stripe.Fail(Fault.Answer(503));

        var result = await _stripe.Provider(maxNetworkRetries: 2).AuthorizeAsync(request, CancellationToken.None);

        Assert.Equal(PaymentStatus.Authorized, result.Status);
        Assert.Equal(2, _stripe.Requests.Count);
        Assert.All(_stripe.Requests, r => Assert.Equal(request.IdempotencyKey, r.Header("Idempotency-Key")));
    }

    [Fact]
    public async Task AuthorizeAsync_ServerErrorOnEveryTry_ThrowsPaymentUnavailableAfterTheRetries()
    {
        _stripe.Fail(Fault.Answer(500), count: 3);

        await Assert.ThrowsAsync<PaymentUnavailableException>(() => _stripe.Provider(maxNetworkRetries: 2).AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None));

        Assert.Equal(3, _stripe.Requests.Count);
    }

    [Fact]
    public async Task AuthorizeAsync_ConnectionDropped_ThrowsPaymentUnavailable()
    {
        var before = _stripe.PaymentIntentCount;
        _stripe.Fail(Fault.DropBeforeWork);

        await Assert.ThrowsAsync<PaymentUnavailableException>(() => _stripe.Provider(maxNetworkRetries: 0).AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None));

        Assert.Equal(before, _stripe.PaymentIntentCount);
    }

    [Fact]
    public async Task AuthorizeAsync_ConnectionDroppedOnEveryTry_ThrowsPaymentUnavailable()
    {
        _stripe.Fail(Fault.DropBeforeWork, count: 3);

        await Assert.ThrowsAsync<PaymentUnavailableException>(() => _stripe.Provider(maxNetworkRetries: 2).AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None));

        Assert.Equal(3, _stripe.Requests.Count);
    }

    [Fact]
    public async Task AuthorizeAsync_StripeUnreachable_ThrowsPaymentUnavailable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var provider = new StripePaymentProvider(new StripeClient(new StripeClientOptions
        {
            ApiKey = FakeStripeServer.ApiKey,
            ApiBase = $"http://127.0.0.1:{closedPort}",
            HttpClient = new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0),
        }));

        await Assert.ThrowsAsync<PaymentUnavailableException>(() => provider.AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None));
    }

    [Fact]
    public async Task AuthorizeAsync_SameKeyWhileTheFirstIsInFlight_ThrowsPaymentUnavailableAndTheRetryGetsTheFirstPayment()
    {
        var request = Authorization(Cards.Visa);
        var provider = _stripe.Provider(maxNetworkRetries: 0);
        var before = _stripe.PaymentIntentCount;
        var hold = _stripe.HoldNext("/v1/payment_intents");
        var first = provider.AuthorizeAsync(request, CancellationToken.None);
        await hold.Arrived.Task;

        // Stripe answers 409 to a key that is still in flight: transient, so the caller retries later.
        await Assert.ThrowsAsync<PaymentUnavailableException>(() => provider.AuthorizeAsync(request, CancellationToken.None));
        hold.Released.SetResult();
        var firstResult = await first;
        var retried = await provider.AuthorizeAsync(request, CancellationToken.None);

        Assert.Equal(firstResult, retried);
        Assert.Equal(before + 1, _stripe.PaymentIntentCount);
    }

    [Fact]
    public async Task AuthorizeAsync_StripeDoesNotAnswerInTime_ThrowsPaymentUnavailable()
    {
        var hold = _stripe.HoldNext("/v1/payment_intents");
        var provider = new StripePaymentProvider(_stripe.Client(timeout: TimeSpan.FromMilliseconds(200)));

        try
        {
            var error = await Assert.ThrowsAsync<PaymentUnavailableException>(() => provider.AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None));

            Assert.IsAssignableFrom<OperationCanceledException>(error.InnerException);
        }
        finally
        {
            hold.Released.SetResult();
        }
    }

    [Fact]
    public async Task AuthorizeAsync_CallerCancels_ThrowsOperationCanceledNotUnavailable()
    {
        var hold = _stripe.HoldNext("/v1/payment_intents");
        using var cancellation = new CancellationTokenSource();
        var call = _stripe.Provider().AuthorizeAsync(Authorization(Cards.Visa), cancellation.Token);
        await hold.Arrived.Task;

        await cancellation.CancelAsync();

        try
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }
        finally
        {
            hold.Released.SetResult();
        }
    }

    [Fact]
    public async Task AuthorizeAsync_ApiKeyRefused_IsUnavailableUntilAnOperatorFixesIt()
    {
        var provider = new StripePaymentProvider(_stripe.Client(apiKey: "sk_test_revoked"));

        var error = await Assert.ThrowsAsync<PaymentUnavailableException>(() => provider.AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, ((StripeException)error.InnerException!).HttpStatusCode);
    }

    [Fact]
    public async Task CaptureAsync_AuthorizedIntent_CapturesTheAmountWithItsKey()
    {
        var id = await AuthorizedAsync(1999);

        var result = await _stripe.Provider().CaptureAsync(id, Usd(1999), "chk_1:capture", CancellationToken.None);

        var request = Assert.Single(_stripe.Requests);
        Assert.Equal(("POST", $"/v1/payment_intents/{id}/capture"), (request.Method, request.Path));
        Assert.Equal("chk_1:capture", request.Header("Idempotency-Key"));
        Assert.Equal(new Dictionary<string, string> { ["amount_to_capture"] = "1999" }, request.Form);
        Assert.Equal(new PaymentResult(id, PaymentStatus.Captured), result);
        Assert.Equal(1999L, (long)_stripe.Intent(id)!["amount_received"]!);
    }

    [Fact]
    public async Task CaptureAsync_LessThanAuthorized_CapturesThatAmount()
    {
        var id = await AuthorizedAsync(1999);

        var result = await _stripe.Provider().CaptureAsync(id, Usd(1500), "k-partial", CancellationToken.None);

        Assert.Equal(PaymentStatus.Captured, result.Status);
        Assert.Equal(1500L, (long)_stripe.Intent(id)!["amount_received"]!);
    }

    [Fact]
    public async Task CaptureAsync_AnswerLostAndRetriedWithTheSameKey_ReturnsCaptured()
    {
        var id = await AuthorizedAsync();
        var provider = _stripe.Provider();
        var key = "capture-" + Guid.NewGuid();
        _stripe.Fail(Fault.DropAfterWork);

        await Assert.ThrowsAsync<PaymentUnavailableException>(() => provider.CaptureAsync(id, Usd(1999), key, CancellationToken.None));
        var retried = await provider.CaptureAsync(id, Usd(1999), key, CancellationToken.None);

        Assert.Equal(PaymentStatus.Captured, retried.Status);
        Assert.Equal(1999L, (long)_stripe.Intent(id)!["amount_received"]!);
    }

    [Fact]
    public async Task CaptureAsync_MoreThanAuthorized_IsRefusedAndTheHoldStays()
    {
        var id = await AuthorizedAsync(1999);

        var error = await Assert.ThrowsAsync<PaymentRefusedException>(() => _stripe.Provider().CaptureAsync(id, Usd(2000), "k-over", CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, ((StripeException)error.InnerException!).HttpStatusCode);
        Assert.Equal("requires_capture", (string?)_stripe.Intent(id)!["status"]);
    }

    [Fact]
    public async Task CaptureAsync_IntentAwaitingAction_IsRefusedWithUnexpectedState()
    {
        var action = await _stripe.Provider().AuthorizeAsync(Authorization(Cards.AuthenticationRequired), CancellationToken.None);

        var error = await Assert.ThrowsAsync<PaymentRefusedException>(() => _stripe.Provider().CaptureAsync(action.PaymentId, Usd(1999), "k-early", CancellationToken.None));

        Assert.Equal("payment_intent_unexpected_state", ((StripeException)error.InnerException!).StripeError.Code);
    }

    [Fact]
    public async Task CancelAsync_AuthorizedIntent_CancelsAsAbandoned()
    {
        var id = await AuthorizedAsync();

        var result = await _stripe.Provider().CancelAsync(id, "chk_1:cancel", CancellationToken.None);

        var request = Assert.Single(_stripe.Requests);
        Assert.Equal(("POST", $"/v1/payment_intents/{id}/cancel"), (request.Method, request.Path));
        Assert.Equal("chk_1:cancel", request.Header("Idempotency-Key"));
        Assert.Equal(new Dictionary<string, string> { ["cancellation_reason"] = "abandoned" }, request.Form);
        Assert.Equal(new PaymentResult(id, PaymentStatus.Cancelled), result);
    }

    [Fact]
    public async Task CancelAsync_IntentAwaitingAction_Cancels()
    {
        var action = await _stripe.Provider().AuthorizeAsync(Authorization(Cards.AuthenticationRequired), CancellationToken.None);

        var result = await _stripe.Provider().CancelAsync(action.PaymentId, "k-cancel-action", CancellationToken.None);

        Assert.Equal(PaymentStatus.Cancelled, result.Status);
    }

    [Fact]
    public async Task CancelAsync_SameKeyTwice_ReplaysTheCancellation()
    {
        var id = await AuthorizedAsync();
        var provider = _stripe.Provider();

        var first = await provider.CancelAsync(id, "k-cancel-twice-" + id, CancellationToken.None);
        var second = await provider.CancelAsync(id, "k-cancel-twice-" + id, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(PaymentStatus.Cancelled, second.Status);
    }

    [Fact]
    public async Task CancelAsync_CapturedIntent_IsRefusedWithUnexpectedState()
    {
        var id = await AuthorizedAsync();
        await _stripe.Provider().CaptureAsync(id, Usd(1999), "k-cap-" + id, CancellationToken.None);

        var error = await Assert.ThrowsAsync<PaymentRefusedException>(() => _stripe.Provider().CancelAsync(id, "k-cancel-" + id, CancellationToken.None));

        Assert.Equal("payment_intent_unexpected_state", ((StripeException)error.InnerException!).StripeError.Code);
        Assert.Equal("succeeded", (string?)_stripe.Intent(id)!["status"]);
    }

    [Fact]
    public async Task GetAsync_AfterTheBuyerCompletedThreeDSecure_ReturnsAuthorized()
    {
        var action = await _stripe.Provider().AuthorizeAsync(Authorization(Cards.AuthenticationRequired), CancellationToken.None);
        _stripe.CompleteAction(action.PaymentId, succeed: true);
        _stripe.Reset();

        var result = await _stripe.Provider().GetAsync(action.PaymentId, CancellationToken.None);

        var request = Assert.Single(_stripe.Requests);
        Assert.Equal(("GET", $"/v1/payment_intents/{action.PaymentId}"), (request.Method, request.Path));
        Assert.Equal("Bearer " + FakeStripeServer.ApiKey, request.Header("Authorization"));
        Assert.Equal(new PaymentResult(action.PaymentId, PaymentStatus.Authorized), result);
    }

    [Fact]
    public async Task GetAsync_AfterTheBuyerFailedThreeDSecure_ReturnsDeclinedWithTheErrorCode()
    {
        var action = await _stripe.Provider().AuthorizeAsync(Authorization(Cards.AuthenticationRequired), CancellationToken.None);
        _stripe.CompleteAction(action.PaymentId, succeed: false);

        var result = await _stripe.Provider().GetAsync(action.PaymentId, CancellationToken.None);

        Assert.Equal(new PaymentResult(action.PaymentId, PaymentStatus.Declined, DeclineCode: "payment_intent_authentication_failure"), result);
    }

    [Fact]
    public async Task GetAsync_UnknownIntent_IsRefusedWithStripesNotFound()
    {
        var error = await Assert.ThrowsAsync<PaymentRefusedException>(() => _stripe.Provider().GetAsync("pi_missing", CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotFound, ((StripeException)error.InnerException!).HttpStatusCode);
        Assert.Equal("resource_missing", ((StripeException)error.InnerException!).StripeError.Code);
    }

    [Fact]
    public async Task GetAsync_ServerError_ThrowsPaymentUnavailable()
    {
        var id = await AuthorizedAsync();
        _stripe.Fail(Fault.Answer(502));

        await Assert.ThrowsAsync<PaymentUnavailableException>(() => _stripe.Provider().GetAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task RefundAsync_CapturedIntent_RefundsTheAmountWithItsKey()
    {
        var id = await AuthorizedAsync(1999);
        await _stripe.Provider().CaptureAsync(id, Usd(1999), "k-cap-" + id, CancellationToken.None);
        _stripe.Reset();

        var refund = await _stripe.Provider().RefundAsync(id, Usd(500), "k-refund-" + id, CancellationToken.None);

        var request = Assert.Single(_stripe.Requests);
        Assert.Equal(("POST", "/v1/refunds"), (request.Method, request.Path));
        Assert.Equal("k-refund-" + id, request.Header("Idempotency-Key"));
        Assert.Equal(new Dictionary<string, string> { ["payment_intent"] = id, ["amount"] = "500" }, request.Form);
        var stored = Assert.Single(_stripe.RefundsOf(id));
        Assert.Equal(new RefundResult((string)stored["id"]!, Usd(500)), refund);
    }

    [Fact]
    public async Task RefundAsync_BeyondTheCapturedAmount_IsRefused()
    {
        var id = await AuthorizedAsync(1999);
        var provider = _stripe.Provider();
        await provider.CaptureAsync(id, Usd(1500), "k-cap-" + id, CancellationToken.None);
        await provider.RefundAsync(id, Usd(1000), "k-refund-1-" + id, CancellationToken.None);

        var error = await Assert.ThrowsAsync<PaymentRefusedException>(() => provider.RefundAsync(id, Usd(501), "k-refund-2-" + id, CancellationToken.None));

        Assert.Equal("amount_too_large", ((StripeException)error.InnerException!).StripeError.Code);
        Assert.Equal(1000L, _stripe.RefundsOf(id).Sum(r => (long)r["amount"]!));
    }

    [Fact]
    public async Task RefundAsync_UncapturedIntent_IsRefused()
    {
        var id = await AuthorizedAsync();

        var error = await Assert.ThrowsAsync<PaymentRefusedException>(() => _stripe.Provider().RefundAsync(id, Usd(100), "k-refund-" + id, CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, ((StripeException)error.InnerException!).HttpStatusCode);
        Assert.Empty(_stripe.RefundsOf(id));
    }

    [Fact]
    public async Task RefundAsync_AnswerLostAndRetriedWithTheSameKey_RefundsOnce()
    {
        var id = await AuthorizedAsync(1999);
        var provider = _stripe.Provider();
        await provider.CaptureAsync(id, Usd(1999), "k-cap-" + id, CancellationToken.None);
        _stripe.Fail(Fault.DropAfterWork);

        await Assert.ThrowsAsync<PaymentUnavailableException>(() => provider.RefundAsync(id, Usd(700), "k-refund-" + id, CancellationToken.None));
        var retried = await provider.RefundAsync(id, Usd(700), "k-refund-" + id, CancellationToken.None);

        var stored = Assert.Single(_stripe.RefundsOf(id));
        Assert.Equal((string)stored["id"]!, retried.RefundId);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(429)]
    public async Task RefundAsync_ServerErrorOrThrottling_ThrowsPaymentUnavailable(int status)
    {
        var id = await AuthorizedAsync(1999);
        await _stripe.Provider().CaptureAsync(id, Usd(1999), "k-cap-" + id, CancellationToken.None);
        _stripe.Fail(Fault.Answer(status));

        await Assert.ThrowsAsync<PaymentUnavailableException>(() => _stripe.Provider().RefundAsync(id, Usd(100), "k-refund-" + id, CancellationToken.None));

        Assert.Empty(_stripe.RefundsOf(id));
    }

    [Fact]
    public async Task StripeClientSource_ApiKeyRotated_SendsTheNewKey()
    {
        var secrets = new RotatingSecrets("sk_test_old");
        _stripe.ApiKeys["sk_test_old"] = true;
        _stripe.ApiKeys["sk_test_new"] = true;
        using var http = new HttpClient();
        var source = new StripeClientSource(secrets, _stripe.BaseUrl + "/", http);
        var provider = new StripePaymentProvider(source.GetAsync);

        await provider.AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None);
        secrets.ApiKey = "sk_test_new";
        await provider.AuthorizeAsync(Authorization(Cards.Visa), CancellationToken.None);

        Assert.Equal(["Bearer sk_test_old", "Bearer sk_test_new"], _stripe.Requests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task StripeClientSource_SameKey_ReusesTheClient()
    {
        using var http = new HttpClient();
        var source = new StripeClientSource(new ConfiguredPaymentSecrets(FakeStripeServer.ApiKey, []), _stripe.BaseUrl, http);

        var first = await source.GetAsync(CancellationToken.None);
        var second = await source.GetAsync(CancellationToken.None);

        Assert.Same(first, second);
    }

    [Theory]
    [InlineData("requires_capture", PaymentStatus.Authorized)]
    [InlineData("succeeded", PaymentStatus.Captured)]
    [InlineData("canceled", PaymentStatus.Cancelled)]
    [InlineData("requires_payment_method", PaymentStatus.Declined)]
    [InlineData("requires_action", PaymentStatus.RequiresAction)]
    [InlineData("requires_confirmation", PaymentStatus.RequiresAction)]
    [InlineData("processing", PaymentStatus.RequiresAction)]
    public void ToResult_Status_MapsToThePaymentStatus(string status, PaymentStatus expected)
    {
        var result = StripePaymentProvider.ToResult(new PaymentIntent { Id = "pi_1", Status = status });

        Assert.Equal(expected, result.Status);
    }

    [Fact]
    public void ToResult_RedirectToUrlAction_ReturnsTheUrl()
    {
        var intent = new PaymentIntent
        {
            Id = "pi_1",
            Status = "requires_action",
            NextAction = new PaymentIntentNextAction { Type = "redirect_to_url", RedirectToUrl = new PaymentIntentNextActionRedirectToUrl { Url = "https://hooks.stripe.com/3ds" } },
        };

        Assert.Equal(new PaymentResult("pi_1", PaymentStatus.RequiresAction, "https://hooks.stripe.com/3ds"), StripePaymentProvider.ToResult(intent));
    }

    private sealed class RotatingSecrets(string apiKey) : IPaymentSecrets
    {
        public string ApiKey { get; set; } = apiKey;

        public Task<string> ApiKeyAsync(CancellationToken cancellationToken) => Task.FromResult(ApiKey);

        public Task<IReadOnlyList<string>> WebhookSecretsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);
    }
}

using System.Collections.Concurrent;
using LiveShop.Core.Checkout;
using LiveShop.Core.Errors;
using LiveShop.Core.Payments;
using LiveShop.Core.Storage;
using LiveShop.Core.Storage.InMemory;
using LiveShop.Payments;
using Microsoft.Extensions.Time.Testing;

namespace LiveShop.UnitTests.Payments;

/// <summary>
/// The webhook service with the real Stripe verifier, the in-memory event store and a workflow that records what it is
/// asked to raise. What the code guarantees: a delivery of an event already recorded raises nothing; an event is
/// recorded only after its raise succeeded, so a failed delivery is handled again on the provider's retry (at least once,
/// never lost); deliveries of one event that overlap may each raise it (the checkout uses the first outcome).
/// </summary>
public sealed class PaymentWebhookServiceTests
{
    private const string Secret = "whsec_service";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly InMemoryPaymentEventStore _handled = new();
    private readonly RecordingWorkflow _workflow = new();
    private readonly PaymentWebhookService _service;

    public PaymentWebhookServiceTests() =>
        _service = new PaymentWebhookService(new StripeWebhookVerifier(new ConfiguredPaymentSecrets(null, [Secret]), _clock), _handled, _clock);

    private Task<PaymentWebhookResult> DeliverAsync(string body, PaymentWebhookService? service = null) =>
        (service ?? _service).HandleAsync(body, StripeEvents.Sign(body, Secret, _clock.GetUtcNow()), _workflow, CancellationToken.None);

    [Fact]
    public async Task HandleAsync_ActionSucceeded_RaisesThePaymentActionOnTheCheckoutAndRecordsTheEvent()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated", eventId: "evt_ok", paymentIntentId: "pi_ok", checkoutId: "chk_ok");

        var result = await DeliverAsync(body);

        Assert.Equal(new PaymentWebhookResult("evt_ok", "delivered"), result);
        Assert.Equal([new Raised("chk_ok", CheckoutEvents.PaymentAction, new PaymentActionEvent("pi_ok", true))], _workflow.Raised);
        var record = await _handled.ReadAsync("evt_ok", "evt_ok", CancellationToken.None);
        Assert.Equal(new PaymentEventRecord("evt_ok", "payment_intent.amount_capturable_updated", Now), record?.Value);
    }

    [Theory]
    [InlineData("payment_intent.payment_failed", "requires_payment_method")]
    [InlineData("payment_intent.canceled", "canceled")]
    public async Task HandleAsync_ActionFailed_RaisesThePaymentActionAsFailed(string type, string status)
    {
        var body = StripeEvents.PaymentIntentEvent(type, eventId: "evt_failed", paymentIntentId: "pi_failed", checkoutId: "chk_failed", status: status);

        var result = await DeliverAsync(body);

        Assert.Equal("delivered", result.Outcome);
        Assert.Equal([new Raised("chk_failed", CheckoutEvents.PaymentAction, new PaymentActionEvent("pi_failed", false))], _workflow.Raised);
    }

    [Fact]
    public async Task HandleAsync_SameEventDeliveredAgain_IsADuplicateAndRaisesNothingMore()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated", eventId: "evt_twice");
        await DeliverAsync(body);

        // Stripe's retry of the same event is signed again, later.
        _clock.Advance(TimeSpan.FromMinutes(2));
        var again = await DeliverAsync(body);

        Assert.Equal(new PaymentWebhookResult("evt_twice", "duplicate"), again);
        Assert.Single(_workflow.Raised);
    }

    [Theory]
    [InlineData("payment_intent.succeeded")]
    [InlineData("payment_intent.created")]
    [InlineData("payment_intent.requires_action")]
    public async Task HandleAsync_EventNoCheckoutWaitsFor_IsRecordedButRaisesNothing(string type)
    {
        var body = StripeEvents.PaymentIntentEvent(type, eventId: "evt_other");

        var result = await DeliverAsync(body);
        var again = await DeliverAsync(body);

        Assert.Equal(new PaymentWebhookResult("evt_other", "ignored"), result);
        Assert.Equal("duplicate", again.Outcome);
        Assert.Empty(_workflow.Raised);
        Assert.NotNull(await _handled.ReadAsync("evt_other", "evt_other", CancellationToken.None));
    }

    [Fact]
    public async Task HandleAsync_ActionOutcomeForAPaymentWithoutCheckout_IsRecordedButRaisesNothing()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated", eventId: "evt_no_checkout", checkoutId: null);

        var result = await DeliverAsync(body);

        Assert.Equal("ignored", result.Outcome);
        Assert.Empty(_workflow.Raised);
        Assert.NotNull(await _handled.ReadAsync("evt_no_checkout", "evt_no_checkout", CancellationToken.None));
    }

    [Fact]
    public async Task HandleAsync_RaiseThrows_LeavesTheEventUnrecordedSoTheRetryDeliversIt()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated", eventId: "evt_retry", paymentIntentId: "pi_retry", checkoutId: "chk_retry");
        _workflow.FailNext = new InvalidOperationException("The task hub is unavailable.");

        await Assert.ThrowsAsync<InvalidOperationException>(() => DeliverAsync(body));
        var unrecorded = await _handled.ReadAsync("evt_retry", "evt_retry", CancellationToken.None);
        var retried = await DeliverAsync(body);

        Assert.Null(unrecorded);
        Assert.Equal("delivered", retried.Outcome);
        Assert.Equal([new Raised("chk_retry", CheckoutEvents.PaymentAction, new PaymentActionEvent("pi_retry", true))], _workflow.Raised);
        Assert.NotNull(await _handled.ReadAsync("evt_retry", "evt_retry", CancellationToken.None));
    }

    [Fact]
    public async Task HandleAsync_RecordingFailsAfterTheRaise_TheRetryRaisesAgain()
    {
        var store = new FailingCreateStore(_handled) { FailNext = true };
        var service = new PaymentWebhookService(new StripeWebhookVerifier(new ConfiguredPaymentSecrets(null, [Secret]), _clock), store, _clock);
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated", eventId: "evt_unrecorded");

        await Assert.ThrowsAsync<InvalidOperationException>(() => DeliverAsync(body, service));
        var retried = await DeliverAsync(body, service);

        // At least once: the outcome reaches the checkout twice, and the checkout uses the first.
        Assert.Equal("delivered", retried.Outcome);
        Assert.Equal(2, _workflow.Raised.Count);
    }

    [Fact]
    public async Task HandleAsync_OverlappingDeliveriesOfOneEvent_EachRaisesAndTheEventIsRecordedOnce()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated", eventId: "evt_race", paymentIntentId: "pi_race", checkoutId: "chk_race");
        _workflow.HoldUntilRaisedTimes = 2;

        var results = await Task.WhenAll(Task.Run(() => DeliverAsync(body)), Task.Run(() => DeliverAsync(body)));

        // Both passed the duplicate check before either recorded the event: the read-then-record check does not stop
        // overlapping deliveries, it stops every delivery that comes after one was recorded.
        Assert.All(results, r => Assert.Equal("delivered", r.Outcome));
        Assert.Equal(2, _workflow.Raised.Count);
        Assert.All(_workflow.Raised, r => Assert.Equal(new PaymentActionEvent("pi_race", true), r.Payload));
        Assert.Equal("duplicate", (await DeliverAsync(body)).Outcome);
        Assert.Equal(2, _workflow.Raised.Count);
    }

    [Fact]
    public async Task HandleAsync_ManyDeliveriesAfterTheFirstWasHandled_RaiseNothingMore()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated", eventId: "evt_many");
        await DeliverAsync(body);

        var results = await Builders.Race.RunAsync(Enumerable.Range(0, 20), _ => DeliverAsync(body));

        Assert.All(results, r => Assert.Equal("duplicate", r.Outcome));
        Assert.Single(_workflow.Raised);
    }

    [Fact]
    public async Task HandleAsync_CheckoutIdThatIsNotAnId_IsAcknowledgedAndIgnored()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated", eventId: "evt_bad_id", checkoutId: "../chk 1");

        var result = await DeliverAsync(body);

        Assert.Equal("ignored", result.Outcome);
        Assert.Empty(_workflow.Raised);
        Assert.NotNull(await _handled.ReadAsync("evt_bad_id", "evt_bad_id", CancellationToken.None));
    }

    [Fact]
    public async Task HandleAsync_NoRunningCheckout_IsAcknowledgedAndIgnored()
    {
        _workflow.Running = false;
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated", eventId: "evt_finished", checkoutId: "chk_done");

        var result = await DeliverAsync(body);

        Assert.Equal("ignored", result.Outcome);
        Assert.Empty(_workflow.Raised);
    }

    [Fact]
    public async Task HandleAsync_SignatureDoesNotVerify_IsUnauthenticatedAndNothingIsRaisedOrRecorded()
    {
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated", eventId: "evt_forged");

        var error = await Assert.ThrowsAsync<LiveShopException>(() =>
            _service.HandleAsync(body, StripeEvents.Sign(body, "whsec_forger", Now), _workflow, CancellationToken.None));

        Assert.Equal(ErrorKind.Unauthenticated, error.Kind);
        Assert.Empty(_workflow.Raised);
        Assert.Null(await _handled.ReadAsync("evt_forged", "evt_forged", CancellationToken.None));
    }

    private sealed record Raised(string CheckoutId, string EventName, object? Payload);

    private sealed class RecordingWorkflow : ICheckoutWorkflow
    {
        private readonly ConcurrentQueue<Raised> _raised = new();
        private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public IReadOnlyList<Raised> Raised => [.. _raised];

        private Exception? _failNext;

        /// <summary>The next raise throws this (once).</summary>
        public Exception? FailNext
        {
            get => _failNext;
            set => _failNext = value;
        }

        /// <summary>When set, each raise waits until this many raises have arrived (to make deliveries overlap).</summary>
        public int HoldUntilRaisedTimes { get; set; }

        public Task StartAsync(CheckoutStart start, CancellationToken cancellationToken) => throw new NotSupportedException();

        /// <summary>Whether the checkout's orchestration is running (false: raises are refused).</summary>
        public bool Running { get; set; } = true;

        public async Task<bool> RaiseAsync(string checkoutId, string eventName, object? payload, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _failNext, null) is { } failure)
            {
                throw failure;
            }

            if (!Running)
            {
                return false;
            }

            if (HoldUntilRaisedTimes > 0)
            {
                if (Interlocked.Increment(ref _arrived) >= HoldUntilRaisedTimes)
                {
                    _allArrived.TrySetResult();
                }

                // A safety net, not a timing assertion: a run that never overlaps fails instead of hanging.
                await _allArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }

            _raised.Enqueue(new Raised(checkoutId, eventName, payload));
            return true;
        }
    }

    /// <summary>The in-memory store, whose next create fails once (the store unavailable after the raise).</summary>
    private sealed class FailingCreateStore(InMemoryPaymentEventStore inner) : IPaymentEventStore
    {
        public bool FailNext { get; set; }

        public Task<Versioned<PaymentEventRecord>?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken) =>
            inner.ReadAsync(partitionKey, id, cancellationToken);

        public Task<IReadOnlyList<Versioned<PaymentEventRecord>>> ReadManyAsync(string partitionKey, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
            inner.ReadManyAsync(partitionKey, ids, cancellationToken);

        public Task<string> CreateAsync(PaymentEventRecord document, CancellationToken cancellationToken)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("The store is unavailable.");
            }

            return inner.CreateAsync(document, cancellationToken);
        }

        public Task<string> ReplaceAsync(PaymentEventRecord document, string ifMatch, CancellationToken cancellationToken) =>
            inner.ReplaceAsync(document, ifMatch, cancellationToken);
    }
}

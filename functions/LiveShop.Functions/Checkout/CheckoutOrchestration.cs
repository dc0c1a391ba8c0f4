using LiveShop.Core.Checkout;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace LiveShop.Functions.Checkout;

/// <summary>
/// A checkout as a Durable Functions orchestration: price now, reserve every line's stock (all or nothing), create the
/// order, authorize the payment, wait for the customer's action if the card needs one (or the viewer's cancellation, or
/// the timeout), capture, turn held units into sold units, and finish. Any failure before the capture runs the one
/// compensation step, which gives back stock and claims and releases the payment; once the money is taken the checkout
/// only goes forward. The compensation and the steps after the capture are retried until they succeed.
/// </summary>
/// <remarks>
/// Deterministic: no clock but <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/>, no I/O but activities, no
/// randomness. Every activity is idempotent (see <see cref="CheckoutSteps"/>), so the retries below are safe.
/// </remarks>
public static class CheckoutOrchestration
{
    /// <summary>Storage steps: transient failures (throttling, a busy document) are retried with backoff.</summary>
    public static readonly TaskOptions StepRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromMilliseconds(250), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(5)));

    /// <summary>Payment steps: a provider outage is retried a few times, then the checkout fails cleanly.</summary>
    public static readonly TaskOptions PaymentRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 4, firstRetryInterval: TimeSpan.FromMilliseconds(500), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(5)));

    /// <summary>The pause after a must-finish step's first round of retries failed; it doubles for each later round.</summary>
    public static readonly TimeSpan FirstRoundPause = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan MaxRoundPause = TimeSpan.FromMinutes(5);

    [Function(nameof(CheckoutOrchestrator))]
    public static async Task<CheckoutOutcome> CheckoutOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = context.GetInput<CheckoutRun>() ?? throw new InvalidOperationException("A checkout orchestration needs its CheckoutRun input.");
        var start = run.Start;
        var log = context.CreateReplaySafeLogger(nameof(CheckoutOrchestrator));

        PricingResult pricing;
        try
        {
            pricing = await context.CallActivityAsync<PricingResult>(nameof(CheckoutActivities.PriceCheckout), start, StepRetry);
        }
        catch (TaskFailedException e)
        {
            // Nothing is held yet, but the checkout must still end (it would stay pending forever).
            log.LogError("Checkout {CheckoutId}: step {Step} kept failing ({Error})", start.CheckoutId, e.TaskName, e.FailureDetails.ErrorMessage);
            return await FailAsync(context, new CheckoutFailure(start, null, null, Rejection(
                RejectionReasons.Failed, "The checkout could not complete; nothing is held and nothing was charged.")));
        }

        if (pricing.Rejection is { } unpriced)
        {
            return await FailAsync(context, new CheckoutFailure(start, null, null, unpriced));
        }

        var lines = pricing.Lines!;
        var amounts = pricing.Amounts!;
        var actionDeadline = context.CurrentUtcDateTime + run.PaymentActionTimeout;
        var progress = new CheckoutProgress(start, lines, amounts, null);
        try
        {
            var reservation = await context.CallActivityAsync<ReservationResult>(
                nameof(CheckoutActivities.ReserveStock), new ReservationRequest(start, lines, amounts, actionDeadline + CheckoutSettings.HoldMargin), StepRetry);
            if (reservation.Rejection is { } unreserved)
            {
                return await FailAsync(context, new CheckoutFailure(start, null, null, unreserved));
            }

            await context.CallActivityAsync(nameof(CheckoutActivities.CreateOrder), progress, StepRetry);
            AuthorizationOutcome authorization;
            try
            {
                authorization = await context.CallActivityAsync<AuthorizationOutcome>(nameof(CheckoutActivities.AuthorizePayment), progress, PaymentRetry);
            }
            catch (TaskFailedException e)
            {
                log.LogWarning("Checkout {CheckoutId}: the payment provider stayed unavailable ({Error})", start.CheckoutId, e.FailureDetails.ErrorMessage);
                return await FailAsync(context, new CheckoutFailure(start, lines, null, Rejection(RejectionReasons.PaymentUnavailable, "The payment provider could not be reached; nothing was charged.")));
            }

            progress = progress with { PaymentId = authorization.PaymentId };
            if (authorization.Status == nameof(Core.Payments.PaymentStatus.RequiresAction))
            {
                authorization = await WaitForActionAsync(context, progress, actionDeadline);
            }

            switch (authorization.Status)
            {
                case nameof(Core.Payments.PaymentStatus.Authorized):
                    break;
                case RejectionReasons.Expired or RejectionReasons.Cancelled:
                    return await FailAsync(context, new CheckoutFailure(start, lines, progress.PaymentId, Rejection(authorization.Status, authorization.Status == RejectionReasons.Expired
                        ? "The payment's authentication was not completed in time; nothing was charged."
                        : "Cancelled by the viewer before the payment was taken.")));
                default:
                    return await FailAsync(context, new CheckoutFailure(start, lines, progress.PaymentId, Rejection(
                        RejectionReasons.PaymentDeclined, $"The card was declined ({authorization.DeclineCode ?? "no reason given"}).")));
            }

            var capture = await context.CallActivityAsync<CaptureOutcome>(nameof(CheckoutActivities.CapturePayment), progress, PaymentRetry);
            if (capture.Status != "captured")
            {
                return await FailAsync(context, new CheckoutFailure(start, lines, progress.PaymentId, capture.Status == "cancelled"
                    ? Rejection(RejectionReasons.Cancelled, "Cancelled by the viewer before the payment was taken.")
                    : Rejection(RejectionReasons.PaymentDeclined, "The payment could not be captured.")));
            }

            // The money is taken: from here the checkout goes forward, never back. A step that keeps failing is retried
            // until it succeeds (compensating now would refund a sale whose units are already sold).
            if (!await UntilDoneAsync(context, nameof(CheckoutActivities.CommitStock), () => context.CallActivityAsync<bool>(nameof(CheckoutActivities.CommitStock), progress, StepRetry)))
            {
                return await FailAsync(context, new CheckoutFailure(start, lines, progress.PaymentId, Rejection(
                    RejectionReasons.Expired, "The reserved units expired before the payment completed; the payment was refunded.")));
            }

            await UntilDoneAsync(context, nameof(CheckoutActivities.CompleteCheckout), async () =>
            {
                await context.CallActivityAsync(nameof(CheckoutActivities.CompleteCheckout), progress, StepRetry);
                return true;
            });
            return new CheckoutOutcome(CheckoutStatus.Paid, null);
        }
        catch (TaskFailedException e)
        {
            log.LogError("Checkout {CheckoutId}: step {Step} kept failing ({Error})", start.CheckoutId, e.TaskName, e.FailureDetails.ErrorMessage);
            return await FailAsync(context, new CheckoutFailure(start, lines, progress.PaymentId, Rejection(
                RejectionReasons.Failed, "The checkout could not complete; nothing is held and any payment was released.")));
        }
    }

    /// <summary>
    /// Waits for the provider's word on the customer's action, the viewer's cancellation or the deadline, whichever
    /// comes first. A webhook only says something happened: the provider is asked where the payment stands, and while
    /// it still waits for the customer, so does the checkout.
    /// </summary>
    private static async Task<AuthorizationOutcome> WaitForActionAsync(TaskOrchestrationContext context, CheckoutProgress progress, DateTime deadline)
    {
        using var stopTimer = new CancellationTokenSource();
        var timeout = context.CreateTimer(deadline, stopTimer.Token);
        var cancel = context.WaitForExternalEvent<object?>(CheckoutEvents.CancelRequested);
        while (true)
        {
            var action = context.WaitForExternalEvent<PaymentActionEvent>(CheckoutEvents.PaymentAction);
            var first = await Task.WhenAny(action, cancel, timeout);
            if (first == timeout)
            {
                return new AuthorizationOutcome(progress.PaymentId, RejectionReasons.Expired, null, null);
            }

            var outcome = first == cancel
                ? new AuthorizationOutcome(progress.PaymentId, RejectionReasons.Cancelled, null, null)
                : await context.CallActivityAsync<AuthorizationOutcome>(nameof(CheckoutActivities.ConfirmPaymentAction), progress, PaymentRetry);
            if (outcome.Status != nameof(Core.Payments.PaymentStatus.RequiresAction))
            {
                // Synchronously: CancelAsync would resume this orchestrator off its own scheduler, and it would never go on.
#pragma warning disable CA1849
                stopTimer.Cancel();
#pragma warning restore CA1849
                return outcome;
            }
        }
    }

    /// <summary>The compensation must finish (it gives back stock and claims and the money): it is retried until it does.</summary>
    private static async Task<CheckoutOutcome> FailAsync(TaskOrchestrationContext context, CheckoutFailure failure)
    {
        await UntilDoneAsync(context, nameof(CheckoutActivities.FailCheckout), async () =>
        {
            await context.CallActivityAsync(nameof(CheckoutActivities.FailCheckout), failure, StepRetry);
            return true;
        });
        return new CheckoutOutcome(CheckoutStatus.Rejected, failure.Rejection);
    }

    /// <summary>
    /// Runs an idempotent step that must not be given up (with its own retry policy), again and again after a growing
    /// pause (a durable timer, up to <see cref="MaxRoundPause"/>) while it keeps failing, e.g. through a store outage.
    /// </summary>
    private static async Task<T> UntilDoneAsync<T>(TaskOrchestrationContext context, string step, Func<Task<T>> call)
    {
        for (var round = 1; ; round++)
        {
            try
            {
                return await call();
            }
            catch (TaskFailedException e)
            {
                var pause = TimeSpan.FromTicks(Math.Min(FirstRoundPause.Ticks << Math.Min(round - 1, 16), MaxRoundPause.Ticks));
                context.CreateReplaySafeLogger(nameof(CheckoutOrchestrator)).LogError(
                    "Checkout {CheckoutId}: step {Step} kept failing ({Error}); trying again in {Pause}", context.InstanceId, step, e.FailureDetails.ErrorMessage, pause);
                await context.CreateTimer(context.CurrentUtcDateTime + pause, CancellationToken.None);
            }
        }
    }

    private static CheckoutRejection Rejection(string reason, string detail) => new(reason, null, detail);
}

/// <summary>The checkout's activities: each hands its input to one <see cref="CheckoutSteps"/> method.</summary>
public sealed class CheckoutActivities(CheckoutSteps steps)
{
    [Function(nameof(PriceCheckout))]
    public Task<PricingResult> PriceCheckout([ActivityTrigger] CheckoutStart start, CancellationToken cancellationToken) =>
        steps.PriceAsync(start, cancellationToken);

    [Function(nameof(ReserveStock))]
    public Task<ReservationResult> ReserveStock([ActivityTrigger] ReservationRequest request, CancellationToken cancellationToken) =>
        steps.ReserveAsync(request, cancellationToken);

    [Function(nameof(CreateOrder))]
    public Task CreateOrder([ActivityTrigger] CheckoutProgress progress, CancellationToken cancellationToken) =>
        steps.CreateOrderAsync(progress, cancellationToken);

    [Function(nameof(AuthorizePayment))]
    public Task<AuthorizationOutcome> AuthorizePayment([ActivityTrigger] CheckoutProgress progress, CancellationToken cancellationToken) =>
        steps.AuthorizeAsync(progress, cancellationToken);

    [Function(nameof(ConfirmPaymentAction))]
    public Task<AuthorizationOutcome> ConfirmPaymentAction([ActivityTrigger] CheckoutProgress progress, CancellationToken cancellationToken) =>
        steps.ConfirmActionAsync(progress, cancellationToken);

    [Function(nameof(CapturePayment))]
    public Task<CaptureOutcome> CapturePayment([ActivityTrigger] CheckoutProgress progress, CancellationToken cancellationToken) =>
        steps.CaptureAsync(progress, cancellationToken);

    [Function(nameof(CommitStock))]
    public Task<bool> CommitStock([ActivityTrigger] CheckoutProgress progress, CancellationToken cancellationToken) =>
        steps.CommitStockAsync(progress, cancellationToken);

    [Function(nameof(CompleteCheckout))]
    public Task CompleteCheckout([ActivityTrigger] CheckoutProgress progress, CancellationToken cancellationToken) =>
        steps.CompleteAsync(progress, cancellationToken);

    [Function(nameof(FailCheckout))]
    public Task FailCheckout([ActivityTrigger] CheckoutFailure failure, CancellationToken cancellationToken) =>
        steps.FailAsync(failure, cancellationToken);
}

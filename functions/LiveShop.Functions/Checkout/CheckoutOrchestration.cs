using LiveShop.Core.Checkout;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace LiveShop.Functions.Checkout;

/// <summary>
/// A checkout as a Durable Functions orchestration: price now, reserve every line's stock (all or nothing), create the
/// order, authorize the payment, wait for the customer's action if the card needs one (or the viewer's cancellation, or
/// the timeout), turn held units into sold units, capture, and finish. Until the capture, any failure runs one
/// compensation (stock and claims back, order closed) and then releases the payment; after the capture nothing is
/// undone: the last step is retried until it is done.
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

    /// <summary>
    /// Steps that must end (finishing a paid checkout, compensating a failed one, releasing its payment) are retried,
    /// after each round of <see cref="StepRetry"/>, this many times, pausing 5 s at first and doubling up to
    /// <see cref="MaxPersistentPause"/>: about a day. Past that the orchestration fails and shows in Durable Functions'
    /// monitoring.
    /// </summary>
    public const int PersistentRounds = 300;

    public static readonly TimeSpan FirstPersistentPause = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan MaxPersistentPause = TimeSpan.FromMinutes(5);

    [Function(nameof(CheckoutOrchestrator))]
    public static async Task<CheckoutOutcome> CheckoutOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = context.GetInput<CheckoutRun>() ?? throw new InvalidOperationException("A checkout orchestration needs its CheckoutRun input.");
        var start = run.Start;
        var log = context.CreateReplaySafeLogger(nameof(CheckoutOrchestrator));
        IReadOnlyList<PricedLine>? lines = null;
        IReadOnlyList<LineHolds>? holds = null;
        var holdUntil = default(DateTimeOffset);
        string? paymentId = null;
        DateTimeOffset? authorizationSentAt = null;
        CheckoutProgress? progress = null;
        var stockCommitted = false;

        // A failure past the reservation: the lines, where their units are held, and the payment so far (or, when an
        // authorization's answer never came, when it was sent: the provider is asked whether it made one).
        CheckoutFailure Failure(CheckoutRejection rejection, bool authorizationUnanswered = false) =>
            new(start, lines, paymentId, rejection, authorizationUnanswered ? authorizationSentAt : null, holds, holdUntil, stockCommitted);

        // Every step up to the capture; the failure to compensate, or null once the money is taken.
        async Task<CheckoutFailure?> PayAsync()
        {
            var pricing = await context.CallActivityAsync<PricingResult>(nameof(CheckoutActivities.PriceCheckout), start, StepRetry);
            if (pricing.Rejection is { } unpriced)
            {
                return new CheckoutFailure(start, null, null, unpriced);
            }

            // A flash-sale checkout waits less for the buyer's payment action, and so holds the sale's units less long.
            var onSale = pricing.Lines!.Any(l => l.SaleId is not null);
            var actionDeadline = context.CurrentUtcDateTime + (onSale ? run.FlashSaleActionTimeout ?? run.PaymentActionTimeout : run.PaymentActionTimeout);

            // Known before the reservation runs: if it fails half way, the compensation gives back what it took.
            lines = pricing.Lines!;
            holdUntil = new DateTimeOffset(actionDeadline + CheckoutSettings.HoldMargin, TimeSpan.Zero);
            var reservation = await context.CallActivityAsync<ReservationResult>(
                nameof(CheckoutActivities.ReserveStock), new ReservationRequest(start, lines, holdUntil), StepRetry);
            if (reservation.Rejection is { } unreserved)
            {
                return new CheckoutFailure(start, lines, null, unreserved, HoldUntil: holdUntil);
            }

            holds = reservation.Holds;
            progress = new CheckoutProgress(start, lines, pricing.Amounts!, null, holds, holdUntil);
            await context.CallActivityAsync(nameof(CheckoutActivities.CreateOrder), progress, StepRetry);
            AuthorizationOutcome authorization;
            try
            {
                authorizationSentAt = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
                authorization = await context.CallActivityAsync<AuthorizationOutcome>(nameof(CheckoutActivities.AuthorizePayment), progress, PaymentRetry);
            }
            catch (TaskFailedException e)
            {
                log.LogWarning("Checkout {CheckoutId}: the payment provider stayed unavailable ({Error})", start.CheckoutId, e.FailureDetails.ErrorMessage);
                return Failure(Rejection(
                    RejectionReasons.PaymentUnavailable, "The payment provider could not be reached; any authorization made is cancelled."), authorizationUnanswered: true);
            }

            paymentId = authorization.PaymentId;
            progress = progress with { PaymentId = paymentId };
            if (authorization.Status == nameof(Core.Payments.PaymentStatus.RequiresAction))
            {
                authorization = await WaitForActionAsync(context, progress, actionDeadline);
            }

            if (authorization.Status != nameof(Core.Payments.PaymentStatus.Authorized))
            {
                return Failure(authorization.Status switch
                {
                    RejectionReasons.Expired => Rejection(RejectionReasons.Expired, "The payment's authentication was not completed in time; nothing was charged."),
                    RejectionReasons.Cancelled => Rejection(RejectionReasons.Cancelled, "Cancelled by the viewer before the payment was taken."),
                    _ => Rejection(RejectionReasons.PaymentDeclined, $"The card was declined ({authorization.DeclineCode ?? "no reason given"})."),
                });
            }

            // Sold before the money is taken: a hold that expired is found before anyone is charged.
            if (!await context.CallActivityAsync<bool>(nameof(CheckoutActivities.CommitStock), progress, StepRetry))
            {
                return Failure(Rejection(RejectionReasons.Expired, "The reserved units expired before the payment completed; nothing was charged."));
            }

            stockCommitted = true;

            CaptureOutcome capture;
            try
            {
                capture = await context.CallActivityAsync<CaptureOutcome>(nameof(CheckoutActivities.CapturePayment), progress, PaymentRetry);
            }
            catch (TaskFailedException e)
            {
                log.LogWarning("Checkout {CheckoutId}: the capture kept failing ({Error})", start.CheckoutId, e.FailureDetails.ErrorMessage);
                return Failure(Rejection(
                    RejectionReasons.PaymentUnavailable, "The payment could not be completed; the authorization is released and anything taken refunded."));
            }

            return capture.Status switch
            {
                "captured" => null,
                "cancelled" => Failure(Rejection(RejectionReasons.Cancelled, "Cancelled by the viewer before the payment was taken.")),
                _ => Failure(Rejection(RejectionReasons.PaymentDeclined, "The payment could not be captured.")),
            };
        }

        // The failure is decided here and compensated once, below: a compensation that keeps failing is not run again.
        CheckoutFailure? failure;
        try
        {
            failure = await PayAsync();
        }
        catch (TaskFailedException e)
        {
            log.LogError("Checkout {CheckoutId}: step {Step} kept failing ({Error})", start.CheckoutId, e.TaskName, e.FailureDetails.ErrorMessage);
            failure = Failure(
                Rejection(RejectionReasons.Failed, "The checkout could not complete; nothing is held and any payment is released."),
                authorizationUnanswered: authorizationSentAt is not null && paymentId is null);
        }

        if (failure is not null)
        {
            return await FailAsync(context, failure);
        }

        // Paid: from here on nothing is undone, the last step is retried until it is done.
        await UntilDoneAsync(context, nameof(CheckoutActivities.CompleteCheckout), progress!);
        return new CheckoutOutcome(CheckoutStatus.Paid, null);
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
                return await LastWordAsync(context, progress);
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

    /// <summary>
    /// At the deadline the provider is asked once more: a customer who finished the action just before it, whose
    /// webhook has not come yet, is not turned away. Still waiting (or the provider unreachable) is expired.
    /// </summary>
    private static async Task<AuthorizationOutcome> LastWordAsync(TaskOrchestrationContext context, CheckoutProgress progress)
    {
        var expired = new AuthorizationOutcome(progress.PaymentId, RejectionReasons.Expired, null, null);
        try
        {
            var outcome = await context.CallActivityAsync<AuthorizationOutcome>(nameof(CheckoutActivities.ConfirmPaymentAction), progress, PaymentRetry);
            return outcome.Status == nameof(Core.Payments.PaymentStatus.RequiresAction) ? expired : outcome;
        }
        catch (TaskFailedException)
        {
            return expired;
        }
    }

    /// <summary>Compensates (stock, claims, order, checkout), then releases the payment; both retried until done.</summary>
    private static async Task<CheckoutOutcome> FailAsync(TaskOrchestrationContext context, CheckoutFailure failure)
    {
        await UntilDoneAsync(context, nameof(CheckoutActivities.FailCheckout), failure);
        if (failure.PaymentId is not null || failure.AuthorizationSentAt is not null)
        {
            await UntilDoneAsync(context, nameof(CheckoutActivities.ReleasePayment), failure);
        }

        return new CheckoutOutcome(CheckoutStatus.Rejected, failure.Rejection);
    }

    /// <summary>Runs an activity that must end, retrying it (after each round of <see cref="StepRetry"/>) on a durable timer.</summary>
    private static async Task UntilDoneAsync(TaskOrchestrationContext context, string activity, object input)
    {
        for (var round = 1; ; round++)
        {
            try
            {
                await context.CallActivityAsync(activity, input, StepRetry);
                return;
            }
            catch (TaskFailedException e) when (round < PersistentRounds)
            {
                var pause = TimeSpan.FromTicks(Math.Min(FirstPersistentPause.Ticks << Math.Min(round - 1, 16), MaxPersistentPause.Ticks));
                context.CreateReplaySafeLogger(nameof(CheckoutOrchestrator)).LogWarning(
                    "Checkout step {Step} failed ({Error}); trying again in {Pause}", activity, e.FailureDetails.ErrorMessage, pause);
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

    [Function(nameof(ReleasePayment))]
    public Task ReleasePayment([ActivityTrigger] CheckoutFailure failure, CancellationToken cancellationToken) =>
        steps.ReleasePaymentAsync(failure, cancellationToken);
}

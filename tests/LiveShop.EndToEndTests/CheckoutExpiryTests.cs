using System.Net;
using System.Net.Http.Json;
using LiveShop.Core.Checkout;
using LiveShop.Core.Events;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Stock;
using LiveShop.Functions.Http;
using LiveShop.Functions.Stock;
using LiveShop.LocalRunner;
using LiveShop.Payments;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static LiveShop.EndToEndTests.CheckoutDriver;

namespace LiveShop.EndToEndTests;

/// <summary>
/// Time running out: the 3-D Secure wait times out, and the stock sweep releases holds nobody finished. Each test has
/// a runner of its own, because it changes the payment-action timeout or moves the app's clock past hold expiries
/// (which on the shared runner would expire every other test's holds).
/// </summary>
public sealed class CheckoutExpiryTests
{
    private const string NoWait = "--LiveShop:PaymentActionMinutes=0";

    /// <summary>Past the hold expiry of a checkout started now with the default 10-minute payment-action timeout (plus the hold margin).</summary>
    private static readonly TimeSpan PastHoldExpiry = TimeSpan.FromMinutes(CheckoutSettings.DefaultPaymentActionMinutes) + CheckoutSettings.HoldMargin + TimeSpan.FromMinutes(1);

    [Fact]
    public async Task ThreeDSecure_NotCompletedInTime_RejectedExpiredAuthorizationCancelledStockReleased()
    {
        await using var runner = await RunnerFixture.StartAsync([NoWait]);
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, stock: 4);
        var token = runner.ViewerToken(RunnerFixture.NewViewerId());

        var started = await runner.StartCheckoutAsync(token, BuyNow(merchant, product, ThreeDSecure, quantity: 2));
        var outcome = await runner.WaitForCheckoutAsync(started.Id);
        var checkout = await runner.GetCheckoutAsync(token, started.Id);

        Assert.Equal((CheckoutStatus.Rejected, RejectionReasons.Expired), (outcome.Status, outcome.Rejection?.Reason));
        Assert.Equal(("rejected", RejectionReasons.Expired, (string?)null), (checkout.Status, checkout.Rejection?.Reason, checkout.NextActionUrl));
        var order = await runner.StoredOrderAsync(merchant, checkout.OrderId);
        Assert.Equal(OrderStatus.Expired, order.Status);
        var payment = runner.Payments.Find(order.Payment.PaymentId!)!;
        Assert.Equal((PaymentStatus.Cancelled, (LiveShop.Core.Money.Money?)null), (payment.Status, payment.Captured));
        Assert.Equal(1, runner.Payments.PaymentCount);
        Assert.Equal((4L, 0L, 0L), Units(await runner.LevelAsync(merchant, product)));
        Assert.DoesNotContain(runner.Events.Published, e => e.Type == DomainEventTypes.OrderPaid);

        // The buyer authenticates too late: the provider's webhook is answered (no retries for days), and nothing changes.
        await runner.AuthenticateAsync(started with { NextActionUrl = SimulatedPaymentsPath(order.Payment.PaymentId!) }, succeed: true);
        Assert.Equal("rejected", (await runner.GetCheckoutAsync(token, started.Id)).Status);
        Assert.Equal(PaymentStatus.Cancelled, runner.Payments.Find(order.Payment.PaymentId!)!.Status);
        Assert.Equal((4L, 0L, 0L), Units(await runner.LevelAsync(merchant, product)));
    }

    [Fact]
    public async Task ThreeDSecure_CompletedButItsWebhookNeverCame_TheDeadlineAsksTheProviderAndTheCheckoutIsPaid()
    {
        await using var runner = await RunnerFixture.StartAsync([NoWait], (_, builder) =>
            builder.Services.AddSingleton<IPaymentProvider>(sp => new WebhookLostProvider(sp.GetRequiredService<SimulatedPaymentProvider>())));
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, stock: 4);
        var token = runner.ViewerToken(RunnerFixture.NewViewerId());

        var started = await runner.StartCheckoutAsync(token, BuyNow(merchant, product, ThreeDSecure, quantity: 2));
        var outcome = await runner.WaitForCheckoutAsync(started.Id);

        Assert.Equal((CheckoutStatus.Paid, (CheckoutRejection?)null), (outcome.Status, outcome.Rejection));
        var order = await runner.StoredOrderAsync(merchant, (await runner.GetCheckoutAsync(token, started.Id)).OrderId);
        Assert.Equal(OrderStatus.Paid, order.Status);
        Assert.Equal(PaymentStatus.Captured, runner.Payments.Find(order.Payment.PaymentId!)!.Status);
        Assert.Equal((2L, 0L, 2L), Units(await runner.LevelAsync(merchant, product)));
    }

    [Fact]
    public async Task SweepStockHolds_HoldOfACheckoutThatNeverFinished_ReleasedOncePastItsExpiry()
    {
        await using var runner = await RunnerFixture.StartAsync([]);
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, stock: 5);
        var paid = await runner.CheckoutAsync(runner.ViewerToken(RunnerFixture.NewViewerId()), BuyNow(merchant, product));
        Assert.Equal("paid", paid.Status);
        var abandoned = await runner.AwaitingOrderAsync(merchant);
        var abandonedProduct = abandoned.Product;

        // The checkout's orchestration is gone (as after a lost deployment of the task hub): nothing will finish it.
        await runner.Durable.TerminateInstanceAsync(abandoned.Checkout.Id, "lost");
        await runner.Durable.WaitForInstanceCompletionAsync(abandoned.Checkout.Id, CancellationToken.None);
        Assert.Equal((9L, 1L, 0L), Units(await runner.LevelAsync(merchant, abandonedProduct)));

        // Before its expiry the sweep leaves the hold alone.
        await SweepAsync(runner);
        Assert.Equal((9L, 1L, 0L), Units(await runner.LevelAsync(merchant, abandonedProduct)));

        runner.Clock.Advance(PastHoldExpiry);
        await SweepAsync(runner);

        Assert.Equal((10L, 0L, 0L), Units(await runner.LevelAsync(merchant, abandonedProduct)));

        // A finished hold is not the sweep's: the paid unit stays sold.
        Assert.Equal((4L, 0L, 1L), Units(await runner.LevelAsync(merchant, product)));
        var swept = await runner.Ledger.SweepAsync(CancellationToken.None);
        Assert.Equal(0, swept.Released);
    }

    [Fact]
    public async Task SweepStockHolds_SlowPayerLosesTheHold_UnitSoldToAnotherBuyer_LateCheckoutExpiresUncharged()
    {
        await using var runner = await RunnerFixture.StartAsync([]);
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, stock: 1);
        var slowToken = runner.ViewerToken(RunnerFixture.NewViewerId());
        var started = await runner.StartCheckoutAsync(slowToken, BuyNow(merchant, product, ThreeDSecure));
        var awaiting = await runner.WaitForStatusAsync(slowToken, started.Id, "awaiting_payment_action");
        Assert.Equal((0L, 1L, 0L), Units(await runner.LevelAsync(merchant, product)));

        runner.Clock.Advance(PastHoldExpiry);
        await SweepAsync(runner);
        Assert.Equal((1L, 0L, 0L), Units(await runner.LevelAsync(merchant, product)));
        var other = await runner.CheckoutAsync(runner.ViewerToken(RunnerFixture.NewViewerId()), BuyNow(merchant, product));
        Assert.Equal("paid", other.Status);

        await runner.AuthenticateAsync(awaiting, succeed: true);
        var outcome = await runner.WaitForCheckoutAsync(started.Id);
        var late = await runner.GetCheckoutAsync(slowToken, started.Id);

        Assert.Equal((CheckoutStatus.Rejected, RejectionReasons.Expired), (outcome.Status, outcome.Rejection?.Reason));
        Assert.Equal(("rejected", RejectionReasons.Expired), (late.Status, late.Rejection?.Reason));
        var order = await runner.StoredOrderAsync(merchant, late.OrderId);
        Assert.Equal(OrderStatus.Expired, order.Status);
        // The units are sold before the money is taken: the lost hold is found first, so the card is never charged.
        var payment = runner.Payments.Find(order.Payment.PaymentId!)!;
        Assert.Equal((PaymentStatus.Cancelled, (LiveShop.Core.Money.Money?)null), (payment.Status, payment.Captured));
        Assert.Equal((0L, 0L, 1L), Units(await runner.LevelAsync(merchant, product)));
        Assert.Equal([other.OrderId + ":order.paid"], runner.Events.Published.Where(e => e.Type == DomainEventTypes.OrderPaid).Select(e => e.Id));
        using var mine = await runner.SendAsync(HttpMethod.Get, Routes.Format(Routes.Order, late.OrderId), slowToken);
        Assert.Equal("expired", (await mine.Content.ReadFromJsonAsync<OrderView>(ApiJson.Options))!.Status);
    }

    /// <summary>
    /// The simulated provider, where the customer completes every required action at once and its webhook is lost: the
    /// checkout hears nothing until it asks.
    /// </summary>
    private sealed class WebhookLostProvider(SimulatedPaymentProvider inner) : IPaymentProvider
    {
        public string Name => inner.Name;

        public TimeSpan SearchLag => inner.SearchLag;

        public async Task<PaymentResult> AuthorizeAsync(PaymentAuthorization request, CancellationToken cancellationToken)
        {
            var result = await inner.AuthorizeAsync(request, cancellationToken);
            if (result.Status == PaymentStatus.RequiresAction)
            {
                _ = inner.CompleteAction(result.PaymentId, succeed: true); // the webhook it returns is never delivered
            }

            return result;
        }

        public Task<PaymentResult> GetAsync(string paymentId, CancellationToken cancellationToken) => inner.GetAsync(paymentId, cancellationToken);

        public Task<PaymentResult?> FindByCheckoutAsync(string checkoutId, CancellationToken cancellationToken) => inner.FindByCheckoutAsync(checkoutId, cancellationToken);

        public Task<PaymentResult> CaptureAsync(string paymentId, LiveShop.Core.Money.Money amount, string idempotencyKey, CancellationToken cancellationToken) =>
            inner.CaptureAsync(paymentId, amount, idempotencyKey, cancellationToken);

        public Task<PaymentResult> CancelAsync(string paymentId, string idempotencyKey, CancellationToken cancellationToken) =>
            inner.CancelAsync(paymentId, idempotencyKey, cancellationToken);

        public Task<RefundResult> RefundAsync(string paymentId, LiveShop.Core.Money.Money amount, string idempotencyKey, CancellationToken cancellationToken) =>
            inner.RefundAsync(paymentId, amount, idempotencyKey, cancellationToken);
    }

    /// <summary>Runs the SweepStockHolds timer function as its schedule would.</summary>
    private static async Task SweepAsync(RunnerFixture runner)
    {
        var timers = runner.App.Services.GetServices<IHostedService>().OfType<TimerFunctions>().Single();
        var sweep = runner.App.Services.GetRequiredService<ServedTriggers>().Timers.Single(t => t.Name == nameof(StockSweepFunctions.SweepStockHolds));
        await timers.RunAsync(sweep, CancellationToken.None);
    }

    private static string SimulatedPaymentsPath(string paymentId) => LiveShop.Payments.SimulatedPayments.ActionPath(paymentId);

    private static (long Available, long Reserved, long Sold) Units(StockLevel level) => (level.Available, level.Reserved, level.Sold);
}

using System.Globalization;
using System.Net;
using System.Text.Json;
using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Configuration;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.Functions.Http;
using LiveShop.Functions.Stock;
using LiveShop.LocalRunner;
using LiveShop.Payments;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;
using static LiveShop.EndToEndTests.CheckoutDriver;

namespace LiveShop.EndToEndTests;

/// <summary>
/// A flash-sale crowd while everything fails at random: the simulated provider fails calls before or after doing
/// them, and every store answers 429/503 at random, before a write or after it (a lost answer). Whatever the faults,
/// no unit is sold twice, no checkout is authorized twice, nothing stays held, and every checkout ends.
/// </summary>
public sealed class CheckoutFaultTests(ITestOutputHelper output)
{
    private const int Buyers = 200;
    private const int Units = 30;
    private const int Seed = 20261125;

    /// <summary>The chance that a payment call fails (half before, half after doing its work).</summary>
    private const double PaymentFailureRate = 0.3;

    /// <summary>The chance that a store call fails (reads before; writes half before, half after).</summary>
    private const double StoreFailureRate = 0.15;

    [Fact]
    public async Task BuyNow_ProviderAndStoresFailingAtRandom_NoOversellNoDoubleAuthorizationNothingHeldNoneStuck()
    {
        var faults = new FaultInjector(StoreFailureRate, Seed);
        // (The app logs every injected failure it retries: kept out of the test output.)
        await using var runner = await RunnerFixture.StartAsync(["--Logging:LogLevel:Default=None"], (r, builder) =>
        {
            builder.Services.AddSingleton(new SimulatedPaymentOptions(
                builder.Configuration[SettingNames.PaymentWebhookSecret]!, SimulatedPayments.ActionPath, PaymentFailureRate, new Random(Seed)));
            builder.Services.AddSingleton<IProductStore>(new FaultyProductStore(r.Products, faults));
            builder.Services.AddSingleton<ICartStore>(new FaultyCartStore(r.Carts, faults));
            builder.Services.AddSingleton<IStockStore>(new FaultyStockStore(r.Stock, faults));
            builder.Services.AddSingleton<ICheckoutStore>(new FaultyCheckoutStore(r.Checkouts, faults));
            builder.Services.AddSingleton<IOrderStore>(new FaultyOrderStore(r.Orders, faults));
            builder.Services.AddSingleton<ISaleClaimStore>(new FaultySaleClaimStore(r.Claims, faults));
            builder.Services.AddSingleton<IPaymentEventStore>(new FaultyPaymentEventStore(r.PaymentEvents, faults));
        });
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, stock: Units);
        var buyers = Enumerable.Range(0, Buyers).Select(i => (Id: $"buyer-{i}", Token: runner.ViewerToken($"buyer-{i}"))).ToList();

        faults.Enabled = true;
        var started = await Task.WhenAll(buyers.Select((buyer, i) =>
            StartUntilAcceptedAsync(runner, buyer.Token, $"key-{i}", BuyNow(merchant, product, i % 10 == 9 ? Declined : Visa))));
        var finished = await WaitForAllAsync(runner, started);
        faults.Enabled = false;
        output.WriteLine($"Faults injected: {faults.FailedBefore} before, {faults.LostAnswers} lost answers.");

        // None stuck: every orchestration completed, and every checkout ended paid or rejected.
        Assert.All(finished, f => Assert.True(f.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{f.InstanceId} ended {f.RuntimeStatus}: {f.FailureDetails?.ErrorMessage}"));
        var checkouts = new List<Checkout>();
        foreach (var (buyer, id) in buyers.Zip(started))
        {
            checkouts.Add((await runner.Checkouts.ReadAsync(buyer.Id, id, CancellationToken.None))!.Value);
        }

        Assert.All(checkouts, c => Assert.True(c.IsFinal, $"Checkout {c.Id} is {c.Status}."));
        foreach (var group in checkouts.GroupBy(c => $"{c.Status} {c.Rejection?.Reason}").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{group.Count(),4} {group.Key}");
        }

        // Nothing stays held once the sweep has run past every hold's expiry.
        var ended = await runner.LevelAsync(merchant, product);
        output.WriteLine($"Stock once every checkout ended: {ended.Available} available, {ended.Reserved} reserved, {ended.Sold} sold.");
        runner.Clock.Advance(TimeSpan.FromMinutes(CheckoutSettings.DefaultPaymentActionMinutes) + CheckoutSettings.HoldMargin + TimeSpan.FromMinutes(1));
        var timers = runner.App.Services.GetServices<IHostedService>().OfType<TimerFunctions>().Single();
        await timers.RunAsync(runner.App.Services.GetRequiredService<ServedTriggers>().Timers.Single(t => t.Name == nameof(StockSweepFunctions.SweepStockHolds)), CancellationToken.None);
        var level = await runner.LevelAsync(merchant, product);
        output.WriteLine($"Stock after the sweep: {level.Available} available, {level.Reserved} reserved, {level.Sold} sold.");
        Assert.Equal(0, level.Reserved);
        Assert.Equal(Units, level.Available + level.Sold);

        // No oversold unit: the units sold are the paid orders' units, and the paid orders are the paid checkouts'.
        var orders = await AllOrdersAsync(runner, merchant);
        var paidOrders = orders.Where(o => o.Status == OrderStatus.Paid).ToList();
        var paidCheckouts = checkouts.Where(c => c.Status == CheckoutStatus.Paid).ToList();
        Assert.InRange(level.Sold, 1, Units);
        Assert.Equal(level.Sold, paidOrders.Count);
        Assert.Equal(level.Sold, paidOrders.Sum(o => o.Lines.Sum(l => l.Quantity)));
        Assert.Equal(paidCheckouts.Select(c => c.OrderId).Order(StringComparer.Ordinal), paidOrders.Select(o => o.Id).Order(StringComparer.Ordinal));
        Assert.All(orders, o => Assert.True(
            o.Status is OrderStatus.Paid or OrderStatus.PaymentFailed or OrderStatus.Expired or OrderStatus.Cancelled,
            $"Order {o.Id} was left {o.Status}."));

        // OrderPaid is published at least once per paid order (a retried step may publish it again, under the same id
        // consumers deduplicate on), and never for an order that was not paid.
        Assert.All(orders, o => Assert.Equal(
            o.Status == OrderStatus.Paid ? [o.Id + ":paid"] : [],
            runner.Events.About(merchant, o.Id).Select(e => e.Id).Distinct()));

        // No double authorization: at most one payment per checkout, and a paid checkout's is captured for its total.
        var payments = AllPayments(runner.Payments);
        Assert.InRange(runner.Payments.PaymentCount, 0, Buyers);
        Assert.All(payments.GroupBy(p => p.CheckoutId), g => Assert.True(g.Count() == 1, $"Checkout {g.Key} has {g.Count()} payments."));
        var byCheckout = payments.ToDictionary(p => p.CheckoutId);
        foreach (var order in paidOrders)
        {
            var payment = runner.Payments.Find(order.Payment.PaymentId!)!;
            Assert.Equal((PaymentStatus.Captured, order.Amounts.Total, 0L), (payment.Status, payment.Captured, payment.Refunded.MinorUnits));
        }

        // A rejected checkout keeps no money: its payment, if any, was never captured or was refunded in full.
        foreach (var rejected in checkouts.Where(c => c.Status == CheckoutStatus.Rejected))
        {
            if (byCheckout.TryGetValue(rejected.Id, out var payment) && payment.Captured is { } captured)
            {
                Assert.True(payment.Refunded == captured, $"Rejected checkout {rejected.Id} ({rejected.Rejection?.Reason}) kept {captured.MinorUnits - payment.Refunded.MinorUnits} of its payment.");
            }
        }
    }

    /// <summary>Sends the request until it is accepted, as a client does with 503 and Retry-After; returns the checkout id.</summary>
    private static async Task<string> StartUntilAcceptedAsync(RunnerFixture runner, string token, string key, CheckoutInput input)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = StartRequest(token, key, input);
            using var response = await runner.Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return JsonSerializer.Deserialize<CheckoutView>(body, ApiJson.Options)!.Id;
            }

            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 50, $"Starting a checkout answered {(int)response.StatusCode} (attempt {attempt}): {body}");
            Assert.NotNull(response.Headers.RetryAfter);
            await Task.Delay(20);
        }
    }

    private static async Task<OrchestrationMetadata[]> WaitForAllAsync(RunnerFixture runner, IEnumerable<string> ids)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        try
        {
            return await Task.WhenAll(ids.Select(id => runner.Durable.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token)));
        }
        catch (OperationCanceledException)
        {
            var running = new List<string>();
            foreach (var id in ids)
            {
                var state = await runner.Durable.GetInstanceAsync(id, getInputsAndOutputs: false);
                if (state?.IsCompleted != true)
                {
                    running.Add($"{id} ({state?.RuntimeStatus})");
                }
            }

            Assert.Fail($"{running.Count} checkouts never finished: {string.Join(", ", running.Take(10))}");
            throw;
        }
    }

    private static async Task<List<Order>> AllOrdersAsync(RunnerFixture runner, string merchant)
    {
        var orders = new List<Order>();
        string? after = null;
        do
        {
            var page = await runner.Orders.ListByMerchantAsync(merchant, after, 100, CancellationToken.None);
            orders.AddRange(page.Items);
            after = page.NextAfter;
        }
        while (after is not null);

        return orders;
    }

    /// <summary>
    /// Every payment the simulated provider holds, declined ones included. Its ids are "pi_sim_" and a sequence number
    /// in hex (shared with its refunds and events), so they are looked up one by one; the lookup is complete when it
    /// found as many authorized payments as the provider counts.
    /// </summary>
    private static List<SimulatedPayment> AllPayments(SimulatedPaymentProvider provider)
    {
        var found = new List<SimulatedPayment>();
        for (var sequence = 1; sequence <= Buyers * 10; sequence++)
        {
            if (provider.Find("pi_sim_" + sequence.ToString("x8", CultureInfo.InvariantCulture)) is { } payment)
            {
                found.Add(payment);
            }
        }

        Assert.Equal(provider.PaymentCount, found.Count(p => p.Status != PaymentStatus.Declined || p.Captured is not null));
        return found;
    }
}

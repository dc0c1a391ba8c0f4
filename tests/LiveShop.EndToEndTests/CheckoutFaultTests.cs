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
using LiveShop.Core.Storage.InMemory;
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
        await using var runner = await StartFaultyRunnerAsync(faults);
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, stock: Units);
        var buyers = Enumerable.Range(0, Buyers).Select(i => (Id: $"buyer-{i}", Token: runner.ViewerToken($"buyer-{i}"))).ToList();

        faults.Enabled = true;
        var started = await Task.WhenAll(buyers.Select((buyer, i) =>
            StartUntilAcceptedAsync(runner, buyer.Id, buyer.Token, $"key-{i}", BuyNow(merchant, product, i % 10 == 9 ? Declined : Visa))));
        var checkouts = await EndAllAsync(runner, faults, started);

        var (level, paidOrders) = await AssertConsistentAsync(runner, merchant, product, Units, checkouts);
        Assert.InRange(level.Sold, 1, Units);
        Assert.InRange(runner.Payments.PaymentCount, 0, Buyers);
    }

    [Fact]
    public async Task FlashSale_TwoCheckoutsPerBuyerWhileEverythingFails_ClaimsNeverPassTheLimitAndNoneStaysHeld()
    {
        const int buyers = 50;
        const int stock = 40;
        const int allotment = 20;
        const int limit = 2;
        var faults = new FaultInjector(StoreFailureRate, Seed + 1);
        await using var runner = await StartFaultyRunnerAsync(faults);
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant, "uk", price: 2000, stock: stock);
        var sale = await runner.CreateFlashSaleAsync(merchant, stream, now => Inputs.FlashSale(
            product, now, dealPrice: 1500, allotment: allotment, perCustomerLimit: limit, startsIn: TimeSpan.FromSeconds(11)));
        runner.Clock.Advance(TimeSpan.FromSeconds(12));

        // Each buyer starts two checkouts at once, of 1 and 2 units: together they would pass the limit.
        faults.Enabled = true;
        var started = await Task.WhenAll(Enumerable.Range(0, buyers * 2).Select(n => (Buyer: $"fan-{n / 2}", Quantity: 1L + (n % 2))).Select(c =>
            StartUntilAcceptedAsync(runner, c.Buyer, runner.ViewerToken(c.Buyer), $"key-{c.Quantity}", BuyNow(merchant, product, Visa, "uk", quantity: c.Quantity, streamId: stream))));
        var checkouts = await EndAllAsync(runner, faults, started);

        var (_, paidOrders) = await AssertConsistentAsync(runner, merchant, product, stock, checkouts);
        var saleLines = paidOrders.SelectMany(o => o.Lines.Select(l => (o.BuyerId, Line: l))).Where(x => x.Line.SaleId == sale.Id).ToList();
        Assert.All(paidOrders.SelectMany(o => o.Lines), l => Assert.Equal(l.SaleId is null ? 2000 : 1500, l.UnitPrice.MinorUnits));

        // The sale sold at most its allotment, and its units left are exactly what it did not sell.
        var shards = await runner.Stock.ReadAsync(Enumerable.Range(0, LiveShop.Core.Stock.StockLedger.MaxShards).Select(i => LiveShop.Core.Stock.StockShard.IdOf(product, "shirt-s", i)).ToList(), CancellationToken.None);
        var soldInSale = saleLines.Sum(x => x.Line.Quantity);
        output.WriteLine($"Sold in the sale: {soldInSale} of {allotment}.");
        Assert.InRange(soldInSale, 1, allotment);
        Assert.Equal(allotment - soldInSale, shards.Where(s => s.Sale == sale.Id).Sum(s => s.SaleLeft) + shards.Where(s => s.Sale != sale.Id).Sum(s => LiveShop.Core.Stock.StockShard.PartOf(allotment, s.Index, s.Count)));

        // Every buyer's claim: nothing left held, the units bought are its paid sale units, never more than the limit.
        for (var i = 0; i < buyers; i++)
        {
            var buyer = $"fan-{i}";
            var claim = (await runner.Claims.ReadAsync(buyer, sale.Id, CancellationToken.None))?.Value;
            var bought = saleLines.Where(x => x.BuyerId == buyer).Sum(x => x.Line.Quantity);
            var held = claim?.Entries.Where(e => e.Value.State == ClaimState.Held).Select(e => e.Key).ToList() ?? [];
            Assert.True(held.Count == 0, $"{buyer}'s claim still holds units for {string.Join(", ", held)}.");
            Assert.Equal(bought, claim?.Bought ?? 0);
            Assert.InRange(bought, 0, limit);
        }
    }

    /// <summary>A runner of its own whose simulated provider fails at random and whose every store goes through <paramref name="faults"/>.</summary>
    private static Task<RunnerFixture> StartFaultyRunnerAsync(FaultInjector faults) =>
        // (The app logs every injected failure it retries: kept out of the test output.)
        RunnerFixture.StartAsync(["--Logging:LogLevel:Default=None"], (r, builder) =>
        {
            builder.Services.AddSingleton(new SimulatedPaymentOptions(
                builder.Configuration[SettingNames.PaymentWebhookSecret]!, SimulatedPayments.ActionPath, PaymentFailureRate, new Random(Seed)));
            builder.Services.AddSingleton<IProductStore>(new FaultyProductStore(r.Products, faults));
            builder.Services.AddSingleton<ICartStore>(new FaultyCartStore(r.Carts, faults));
            builder.Services.AddSingleton<IStockStore>(new FaultyStockStore(r.Stock, faults));
            builder.Services.AddSingleton<ICheckoutStore>(new FaultyCheckoutStore(r.Checkouts, faults));
            builder.Services.AddSingleton<IOrderStore>(new FaultyOrderStore(r.Orders, faults));
            builder.Services.AddSingleton<ISaleClaimStore>(new FaultySaleClaimStore(r.Claims, faults));
            builder.Services.AddSingleton<IOpenCheckoutStore>(new FaultyOpenCheckoutStore(new InMemoryOpenCheckoutStore(), faults));
            builder.Services.AddSingleton<IPaymentEventStore>(new FaultyPaymentEventStore(r.PaymentEvents, faults));
        });

    /// <summary>
    /// Waits for every checkout's orchestration, then turns the faults off and asserts none is stuck: every
    /// orchestration completed, and every checkout ended paid or rejected. Returns the checkouts as stored.
    /// </summary>
    private async Task<List<Checkout>> EndAllAsync(RunnerFixture runner, FaultInjector faults, (string BuyerId, string CheckoutId)[] started)
    {
        var finished = await WaitForAllAsync(runner, started.Select(s => s.CheckoutId));
        faults.Enabled = false;
        output.WriteLine($"Faults injected: {faults.FailedBefore} before, {faults.LostAnswers} lost answers.");

        Assert.All(finished, f => Assert.True(f.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{f.InstanceId} ended {f.RuntimeStatus}: {f.FailureDetails?.ErrorMessage}"));
        var checkouts = new List<Checkout>();
        foreach (var (buyer, id) in started)
        {
            checkouts.Add((await runner.Checkouts.ReadAsync(buyer, id, CancellationToken.None))!.Value);
        }

        Assert.All(checkouts, c => Assert.True(c.IsFinal, $"Checkout {c.Id} is {c.Status}."));
        foreach (var group in checkouts.GroupBy(c => $"{c.Status} {c.Rejection?.Reason}").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{group.Count(),4} {group.Key}");
        }

        return checkouts;
    }

    /// <summary>
    /// Whatever the faults: nothing is held once the sweep ran past every hold's expiry, no unit is sold twice, at most
    /// one payment per checkout (a paid one captured for its total), no money kept for a rejected checkout, no order
    /// left open, OrderPaid only for paid orders.
    /// </summary>
    private async Task<(StockLevel Level, List<Order> PaidOrders)> AssertConsistentAsync(RunnerFixture runner, string merchant, string product, long units, List<Checkout> checkouts)
    {
        // Nothing stays held once the sweep has run past every hold's expiry.
        var ended = await runner.LevelAsync(merchant, product);
        output.WriteLine($"Stock once every checkout ended: {ended.Available} available, {ended.Reserved} reserved, {ended.Sold} sold.");
        runner.Clock.Advance(TimeSpan.FromMinutes(CheckoutSettings.DefaultPaymentActionMinutes) + CheckoutSettings.HoldMargin + TimeSpan.FromMinutes(1));
        var timers = runner.App.Services.GetServices<IHostedService>().OfType<TimerFunctions>().Single();
        await timers.RunAsync(runner.App.Services.GetRequiredService<ServedTriggers>().Timers.Single(t => t.Name == nameof(StockSweepFunctions.SweepStockHolds)), CancellationToken.None);
        var level = await runner.LevelAsync(merchant, product);
        output.WriteLine($"Stock after the sweep: {level.Available} available, {level.Reserved} reserved, {level.Sold} sold.");
        Assert.Equal(0, level.Reserved);
        Assert.Equal(units, level.Available + level.Sold);

        // No oversold unit: the units sold are the paid orders' units, and the paid orders are the paid checkouts'.
        var orders = await AllOrdersAsync(runner, merchant);
        var paidOrders = orders.Where(o => o.Status == OrderStatus.Paid).ToList();
        var paidCheckouts = checkouts.Where(c => c.Status == CheckoutStatus.Paid).ToList();
        Assert.InRange(level.Sold, 0, units);
        Assert.Equal(level.Sold, paidOrders.Sum(o => o.Lines.Sum(l => l.Quantity)));
        Assert.Equal(level.Sold, paidCheckouts.Sum(c => c.Items.Sum(i => i.Quantity)));
        Assert.Equal(paidCheckouts.Select(c => c.OrderId).Order(StringComparer.Ordinal), paidOrders.Select(o => o.Id).Order(StringComparer.Ordinal));
        Assert.All(orders, o => Assert.True(
            o.Status is OrderStatus.Paid or OrderStatus.PaymentFailed or OrderStatus.Expired or OrderStatus.Cancelled,
            $"Order {o.Id} was left {o.Status}."));

        // order.paid is raised with the paid order (in its outbox, the same write: a store failing after the write may
        // leave the sending to the outbox sweep) and never for an order that was not paid; what was sent is that event.
        Assert.All(orders, o => Assert.Equal(
            o.Status == OrderStatus.Paid,
            o.Outbox?.Raised.Contains(o.Id + ":order.paid") == true));
        Assert.All(orders, o => Assert.Subset(
            new HashSet<string>(o.Status == OrderStatus.Paid ? [o.Id + ":order.paid"] : []),
            runner.Events.About(merchant, o.Id).Select(e => e.Id).ToHashSet()));

        // No double authorization: at most one payment per checkout, and a paid checkout's is captured for its total.
        var payments = AllPayments(runner.Payments, checkouts.Count);
        Assert.InRange(runner.Payments.PaymentCount, 0, checkouts.Count);
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

        return (level, paidOrders);
    }

    /// <summary>Sends the request until it is accepted, as a client does with 503 and Retry-After; returns the checkout id.</summary>
    private static async Task<(string BuyerId, string CheckoutId)> StartUntilAcceptedAsync(RunnerFixture runner, string buyerId, string token, string key, CheckoutInput input)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = StartRequest(token, key, input);
            using var response = await runner.Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return (buyerId, JsonSerializer.Deserialize<CheckoutView>(body, ApiJson.Options)!.Id);
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
    private static List<SimulatedPayment> AllPayments(SimulatedPaymentProvider provider, int checkouts)
    {
        var found = new List<SimulatedPayment>();
        for (var sequence = 1; sequence <= checkouts * 10; sequence++)
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

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using LiveShop.Core.Checkout;
using LiveShop.Core.Orders;
using LiveShop.Core.Stock;
using LiveShop.Functions.Http;
using LiveShop.Payments;
using Microsoft.DurableTask.Client;

namespace LiveShop.EndToEndTests;

/// <summary>Checkouts through the runner: started over HTTP, followed on the runner's Durable client, checked in its stores.</summary>
public static class CheckoutDriver
{
    /// <summary>How long a test waits for a checkout's orchestration before it calls it stuck.</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(60);

    public const string Visa = SimulatedPaymentProvider.Cards.Visa;
    public const string Declined = SimulatedPaymentProvider.Cards.Declined;
    public const string ThreeDSecure = SimulatedPaymentProvider.Cards.AuthenticationRequired;
    public const string Flaky = SimulatedPaymentProvider.Cards.Flaky;
    public const string Outage = SimulatedPaymentProvider.Cards.Outage;

    public static CheckoutInput BuyNow(string merchantId, string productId, string card = Visa, string market = "us", string skuId = "shirt-s", long quantity = 1, string? streamId = null) =>
        new(market, card, new BuyNowInput(merchantId, productId, skuId, quantity, streamId), null);

    public static CheckoutInput FromCart(string market, string card = Visa, string? merchantId = null) =>
        new(market, card, null, new FromCartInput(merchantId));

    public static HttpRequestMessage StartRequest(string token, string? idempotencyKey, object? body)
    {
        var request = RunnerFixture.Request(HttpMethod.Post, Routes.Checkouts, token, body);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    /// <summary>POST /api/checkouts; 202 asserted, with Location pointing at the checkout.</summary>
    public static async Task<CheckoutView> StartCheckoutAsync(this RunnerFixture runner, string token, CheckoutInput input, string? idempotencyKey = null)
    {
        using var request = StartRequest(token, idempotencyKey ?? Guid.NewGuid().ToString(), input);
        using var response = await runner.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Starting the checkout answered {(int)response.StatusCode}: {body}");
        var view = System.Text.Json.JsonSerializer.Deserialize<CheckoutView>(body, ApiJson.Options)!;
        Assert.Equal(RunnerFixture.Url(Routes.Format(Routes.Checkout, view.Id)), response.Headers.Location?.OriginalString);
        return view;
    }

    /// <summary>Starts a checkout and waits until its orchestration has finished; returns the checkout as its buyer reads it.</summary>
    public static async Task<CheckoutView> CheckoutAsync(this RunnerFixture runner, string token, CheckoutInput input, string? idempotencyKey = null)
    {
        var started = await runner.StartCheckoutAsync(token, input, idempotencyKey);
        await runner.WaitForCheckoutAsync(started.Id);
        return await runner.GetCheckoutAsync(token, started.Id);
    }

    /// <summary>
    /// Waits for the checkout's orchestration to finish, and asserts that it completed (an orchestration that failed
    /// leaves its checkout stuck) with the outcome its record shows.
    /// </summary>
    public static async Task<CheckoutOutcome> WaitForCheckoutAsync(this RunnerFixture runner, string checkoutId, TimeSpan? stuckAfter = null)
    {
        using var timeout = new CancellationTokenSource(stuckAfter ?? StuckAfter);
        OrchestrationMetadata finished;
        try
        {
            finished = await runner.Durable.WaitForInstanceCompletionAsync(checkoutId, getInputsAndOutputs: true, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            var state = await runner.Durable.GetInstanceAsync(checkoutId, getInputsAndOutputs: false);
            Assert.Fail($"Checkout {checkoutId} did not finish within {(stuckAfter ?? StuckAfter).TotalSeconds} s (its orchestration is {state?.RuntimeStatus}).");
            throw;
        }

        Assert.True(
            finished.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            $"Checkout {checkoutId}'s orchestration ended {finished.RuntimeStatus}: {finished.FailureDetails?.ErrorType}: {finished.FailureDetails?.ErrorMessage}");
        return finished.ReadOutputAs<CheckoutOutcome>()!;
    }

    /// <summary>GET /api/checkouts/{id} as its buyer; 200 asserted.</summary>
    public static async Task<CheckoutView> GetCheckoutAsync(this RunnerFixture runner, string token, string checkoutId)
    {
        using var response = await runner.SendAsync(HttpMethod.Get, Routes.Format(Routes.Checkout, checkoutId), token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "A checkout is personal: its answer must not be stored.");
        return (await response.Content.ReadFromJsonAsync<CheckoutView>(ApiJson.Options))!;
    }

    /// <summary>Polls the checkout until it shows <paramref name="status"/> (e.g. awaiting_payment_action).</summary>
    public static async Task<CheckoutView> WaitForStatusAsync(this RunnerFixture runner, string token, string checkoutId, string status)
    {
        using var timeout = new CancellationTokenSource(StuckAfter);
        while (true)
        {
            var view = await runner.GetCheckoutAsync(token, checkoutId);
            if (view.Status == status)
            {
                return view;
            }

            Assert.True(view.Status is "pending" or "awaiting_payment_action", $"Checkout {checkoutId} is {view.Status} ({view.Rejection?.Reason}), not on its way to {status}.");
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>The buyer completes (or fails) 3-D Secure on the runner's page at the checkout's next-action URL, which sends the provider's signed webhook.</summary>
    public static async Task AuthenticateAsync(this RunnerFixture runner, CheckoutView awaiting, bool succeed)
    {
        Assert.NotNull(awaiting.NextActionUrl);
        using var response = await runner.Client.PostAsync($"{awaiting.NextActionUrl}?outcome={(succeed ? "succeed" : "fail")}", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Authenticating answered {(int)response.StatusCode}: {body}");
        Assert.Contains("\"webhookStatus\":200", body, StringComparison.Ordinal);
    }

    /// <summary>Waits until no checkout orchestration of the runner is running (each must complete).</summary>
    public static async Task WaitForCheckoutsAsync(this RunnerFixture runner)
    {
        while (true)
        {
            var running = new List<string>();
            var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending] };
            await foreach (var instance in runner.Durable.GetAllInstancesAsync(query))
            {
                // Flash sales' live schedules run until their sale ends: only checkouts are waited for.
                if (instance.Name == nameof(Functions.Checkout.CheckoutOrchestration.CheckoutOrchestrator))
                {
                    running.Add(instance.InstanceId);
                }
            }

            if (running.Count == 0)
            {
                return;
            }

            foreach (var id in running)
            {
                await runner.WaitForCheckoutAsync(id);
            }
        }
    }

    /// <summary>The order as stored (with its payment id, which the API does not show).</summary>
    public static async Task<Order> StoredOrderAsync(this RunnerFixture runner, string merchantId, string orderId) =>
        (await runner.Orders.ReadAsync(merchantId, orderId, CancellationToken.None))?.Value ?? throw new InvalidOperationException($"Order {orderId} is not stored.");

    /// <summary>The SKU's stock: available, reserved and sold, from one read of its shards.</summary>
    public static async Task<StockLevel> LevelAsync(this RunnerFixture runner, string merchantId, string productId, string skuId = "shirt-s")
    {
        var product = (await runner.Products.ReadAsync(merchantId, productId, CancellationToken.None))!.Value;
        return (await runner.Ledger.LevelsAsync([(product, product.FindSku(skuId)!)], CancellationToken.None)).Single().Value;
    }

    /// <summary>A paid buy-now order of one unit of a new product (stock 10) for a new viewer; returns its parts.</summary>
    public static async Task<PaidOrder> PaidOrderAsync(this RunnerFixture runner, string? merchantId = null, string market = "us")
    {
        var merchant = merchantId ?? RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, market);
        var viewerId = RunnerFixture.NewViewerId();
        var token = runner.ViewerToken(viewerId);
        var checkout = await runner.CheckoutAsync(token, BuyNow(merchant, product, market: market));
        Assert.Equal("paid", checkout.Status);
        return new PaidOrder(merchant, product, viewerId, token, checkout);
    }

    /// <summary>A buy-now checkout of a new product waiting for its buyer's 3-D Secure step; returns its parts.</summary>
    public static async Task<PaidOrder> AwaitingOrderAsync(this RunnerFixture runner, string? merchantId = null, string market = "us")
    {
        var merchant = merchantId ?? RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, market);
        var viewerId = RunnerFixture.NewViewerId();
        var token = runner.ViewerToken(viewerId);
        var started = await runner.StartCheckoutAsync(token, BuyNow(merchant, product, ThreeDSecure, market));
        var awaiting = await runner.WaitForStatusAsync(token, started.Id, "awaiting_payment_action");
        return new PaidOrder(merchant, product, viewerId, token, awaiting);
    }

    /// <summary>Ends an awaiting checkout (the buyer fails 3-D Secure) unless it has ended, and waits for it.</summary>
    public static async Task FinishAsync(this RunnerFixture runner, PaidOrder order)
    {
        var now = await runner.GetCheckoutAsync(order.Token, order.Checkout.Id);
        if (now.Status == "awaiting_payment_action")
        {
            await runner.AuthenticateAsync(now, succeed: false);
        }

        await runner.WaitForCheckoutAsync(order.Checkout.Id);
    }
}

/// <summary>A checkout (and its order) of <paramref name="Product"/> by the viewer <paramref name="ViewerId"/>.</summary>
public sealed record PaidOrder(string MerchantId, string Product, string ViewerId, string Token, CheckoutView Checkout)
{
    public string OrderId => Checkout.OrderId;
}

/// <summary>Domain events as the app published them.</summary>
public sealed class RecordingDomainEvents : IDomainEvents
{
    private readonly ConcurrentQueue<DomainEvent> _published = new();

    public IReadOnlyList<DomainEvent> Published => [.. _published];

    public Task PublishAsync(DomainEvent domainEvent, CancellationToken cancellationToken)
    {
        _published.Enqueue(domainEvent);
        return Task.CompletedTask;
    }

    /// <summary>The order.paid events published about one order (the checkout tests' concern; every type: <see cref="Published"/>).</summary>
    public IReadOnlyList<DomainEvent> About(string merchantId, string orderId) =>
        Published.Where(e => e.Subject == $"merchants/{merchantId}/orders/{orderId}" && e.Type == DomainEventTypes.OrderPaid).ToList();
}

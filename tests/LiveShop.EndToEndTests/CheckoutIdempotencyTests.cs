using System.Net;
using System.Text.Json;
using LiveShop.Core.Checkout;
using LiveShop.Functions.Http;
using Microsoft.DurableTask.Client;
using static LiveShop.EndToEndTests.CheckoutDriver;

namespace LiveShop.EndToEndTests;

/// <summary>A checkout is started once per buyer and Idempotency-Key, however many copies of the request arrive at once.</summary>
[Collection(RunnerCollection.Name)]
public sealed class CheckoutIdempotencyTests(RunnerFixture runner)
{
    private const int Copies = 100;

    [Fact]
    public async Task StartCheckout_HundredParallelCopiesOfOneRequest_OneCheckoutOneOrchestrationOneOrderOnePayment()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, stock: 10);
        var viewerId = RunnerFixture.NewViewerId();
        var token = runner.ViewerToken(viewerId);
        var key = Guid.NewGuid().ToString();
        var input = BuyNow(merchant, product, quantity: 2);
        var paymentsBefore = runner.Payments.PaymentCount;

        var answers = await Task.WhenAll(Enumerable.Range(0, Copies).Select(async _ =>
        {
            using var request = StartRequest(token, key, input);
            using var response = await runner.Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, Id: response.StatusCode == HttpStatusCode.Accepted ? JsonSerializer.Deserialize<CheckoutView>(body, ApiJson.Options)!.Id : body);
        }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        var id = Assert.Single(answers.Select(a => a.Id).Distinct());
        Assert.Equal(CheckoutService.IdFor(viewerId, key), id);
        await runner.WaitForCheckoutAsync(id);
        var checkout = await runner.GetCheckoutAsync(token, id);
        Assert.Equal("paid", checkout.Status);

        var instances = new List<OrchestrationMetadata>();
        await foreach (var instance in runner.Durable.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = id, FetchInputsAndOutputs = true }))
        {
            instances.Add(instance);
        }

        var only = Assert.Single(instances);
        Assert.Equal(checkout.OrderId, only.ReadInputAs<CheckoutRun>()!.Start.OrderId);
        var orders = await runner.Orders.ListByMerchantAsync(merchant, null, 10, CancellationToken.None);
        Assert.Equal(checkout.OrderId, Assert.Single(orders.Items).Id);
        Assert.Equal(paymentsBefore + 1, runner.Payments.PaymentCount);
        var level = await runner.LevelAsync(merchant, product);
        Assert.Equal((8L, 0L, 2L), (level.Available, level.Reserved, level.Sold));
        Assert.Single(runner.Events.About(merchant, checkout.OrderId));

        // Once finished, the same request answers the finished checkout and starts nothing.
        var writesBefore = runner.Writes;
        using var late = StartRequest(token, key, input);
        using var lateResponse = await runner.Client.SendAsync(late);
        Assert.Equal(HttpStatusCode.Accepted, lateResponse.StatusCode);
        var lateView = JsonSerializer.Deserialize<CheckoutView>(await lateResponse.Content.ReadAsStringAsync(), ApiJson.Options)!;
        Assert.Equal((id, "paid"), (lateView.Id, lateView.Status));
        Assert.Null(lateResponse.Headers.RetryAfter);
        Assert.Equal(writesBefore, runner.Writes);
        Assert.Equal(paymentsBefore + 1, runner.Payments.PaymentCount);
    }

    [Fact]
    public async Task StartCheckout_SameKeyAnotherBody_422AndTheFirstCheckoutIsUntouched()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, stock: 10);
        var token = runner.ViewerToken(RunnerFixture.NewViewerId());
        var key = Guid.NewGuid().ToString();
        var first = await runner.CheckoutAsync(token, BuyNow(merchant, product), key);
        var writesBefore = runner.Writes;
        var paymentsBefore = runner.Payments.PaymentCount;

        foreach (var other in new[] { BuyNow(merchant, product, quantity: 2), BuyNow(merchant, product, Declined), BuyNow(merchant, product, skuId: "shirt-m") })
        {
            using var request = StartRequest(token, key, other);
            using var response = await runner.Client.SendAsync(request);

            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Idempotency-Key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(writesBefore, runner.Writes);
        Assert.Equal(paymentsBefore, runner.Payments.PaymentCount);
        Assert.Equal(("paid", 1L), (first.Status, Assert.Single(first.Items).Quantity));
        var level = await runner.LevelAsync(merchant, product);
        Assert.Equal((9L, 0L, 1L), (level.Available, level.Reserved, level.Sold));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.PreconditionRequired)]
    [InlineData("", HttpStatusCode.PreconditionRequired)]
    [InlineData("key with spaces", HttpStatusCode.BadRequest)]
    public async Task StartCheckout_MissingOrMalformedIdempotencyKey_RefusedAndNothingStarted(string? key, HttpStatusCode expected)
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, stock: 10);
        var token = runner.ViewerToken(RunnerFixture.NewViewerId());
        var writesBefore = runner.Writes;
        var paymentsBefore = runner.Payments.PaymentCount;

        using var request = RunnerFixture.Request(HttpMethod.Post, Routes.Checkouts, token, BuyNow(merchant, product));
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        using var response = await runner.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Idempotency-Key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(writesBefore, runner.Writes);
        Assert.Equal(paymentsBefore, runner.Payments.PaymentCount);
        var level = await runner.LevelAsync(merchant, product);
        Assert.Equal((10L, 0L, 0L), (level.Available, level.Reserved, level.Sold));
    }

    [Fact]
    public async Task StartCheckout_KeyOver255Characters_400()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant);
        var writesBefore = runner.Writes;

        using var request = StartRequest(runner.ViewerToken(RunnerFixture.NewViewerId()), new string('k', CheckoutService.MaxIdempotencyKeyLength + 1), BuyNow(merchant, product));
        using var response = await runner.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(writesBefore, runner.Writes);
    }
}

using System.Net;
using System.Net.Http.Json;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Functions.Http;
using static LiveShop.EndToEndTests.CheckoutDriver;

namespace LiveShop.EndToEndTests;

/// <summary>Merchant refunds after capture, through the runner: in full, per line with restock, once per Idempotency-Key, never for an unpaid order.</summary>
[Collection(RunnerCollection.Name)]
public sealed class OrderRefundTests(RunnerFixture runner)
{
    [Fact]
    public async Task RefundOrder_Full_RefundsTheCapturedTotalAndTheOrderIsRefunded()
    {
        var paid = await runner.PaidOrderAsync();
        var paymentId = (await runner.StoredOrderAsync(paid.MerchantId, paid.OrderId)).Payment.PaymentId!;

        using var response = await RefundAsync(paid.MerchantId, paid.OrderId, "refund-all", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var order = (await response.Content.ReadFromJsonAsync<OrderView>(ApiJson.Options))!;
        Assert.Equal(("refunded", 2500L, 2500L), (order.Status, order.Amounts.Total.MinorUnits, order.Amounts.Refunded.MinorUnits));
        var refund = Assert.Single(order.Refunds);
        Assert.Equal(("completed", 2500L, false), (refund.State, refund.Amount.MinorUnits, refund.Restock));
        Assert.Equal([new RefundLineInput(1, 1)], refund.Lines);
        Assert.Equal(1, Assert.Single(order.Lines).RefundedQuantity);
        var payment = runner.Payments.Find(paymentId)!;
        Assert.Equal((PaymentStatus.Captured, 2500L, 2500L), (payment.Status, payment.Captured!.Value.MinorUnits, payment.Refunded.MinorUnits));

        // Without restock the unit stays sold; the buyer sees the refund too.
        var level = await runner.LevelAsync(paid.MerchantId, paid.Product);
        Assert.Equal((9L, 0L, 1L), (level.Available, level.Reserved, level.Sold));
        using var mine = await runner.SendAsync(HttpMethod.Get, Routes.Format(Routes.Order, paid.OrderId), paid.Token);
        Assert.Equal("refunded", (await mine.Content.ReadFromJsonAsync<OrderView>(ApiJson.Options))!.Status);
    }

    [Fact]
    public async Task RefundOrder_PerLineWithRestock_UnitsBackOnSale_SameKeyRefundsOnce_ThenTheRestInFull()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk", price: 2000, stock: 10);
        var token = runner.ViewerToken(RunnerFixture.NewViewerId());
        await runner.AddToCartAsync(Shopper.Viewer(token), "uk", merchant, product, "shirt-s", 2);
        await runner.AddToCartAsync(Shopper.Viewer(token), "uk", merchant, product, "shirt-m", 1);
        var checkout = await runner.CheckoutAsync(token, FromCart("uk"));
        Assert.Equal(("paid", 6000L), (checkout.Status, checkout.Total!.MinorUnits));
        var paymentId = (await runner.StoredOrderAsync(merchant, checkout.OrderId)).Payment.PaymentId!;
        Assert.Equal((8L, 0L, 2L), Units(await runner.LevelAsync(merchant, product)));
        var oneUnit = new RefundInput([new RefundLineInput(1, 1)], true);

        using var first = await RefundAsync(merchant, checkout.OrderId, "refund-line-1", oneUnit);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var partial = (await first.Content.ReadFromJsonAsync<OrderView>(ApiJson.Options))!;
        Assert.Equal(("partially_refunded", 2000L), (partial.Status, partial.Amounts.Refunded.MinorUnits));
        Assert.Equal([1L, 0L], partial.Lines.Select(l => l.RefundedQuantity));
        var refund = Assert.Single(partial.Refunds);
        Assert.Equal(("completed", 2000L, true), (refund.State, refund.Amount.MinorUnits, refund.Restock));
        Assert.Equal((9L, 0L, 1L), Units(await runner.LevelAsync(merchant, product)));
        Assert.Equal((9L, 0L, 1L), Units(await runner.LevelAsync(merchant, product, "shirt-m")));
        Assert.Equal(2000, runner.Payments.Find(paymentId)!.Refunded.MinorUnits);

        // The same request again (a retry): the same answer, nothing refunded, restocked or written twice.
        var writesBefore = runner.Writes;
        using var again = await RefundAsync(merchant, checkout.OrderId, "refund-line-1", oneUnit);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var repeated = (await again.Content.ReadFromJsonAsync<OrderView>(ApiJson.Options))!;
        Assert.Equal(("partially_refunded", 2000L, refund.Id), (repeated.Status, repeated.Amounts.Refunded.MinorUnits, Assert.Single(repeated.Refunds).Id));
        Assert.Equal(writesBefore, runner.Writes);
        Assert.Equal(2000, runner.Payments.Find(paymentId)!.Refunded.MinorUnits);
        Assert.Equal((9L, 0L, 1L), Units(await runner.LevelAsync(merchant, product)));

        // The key with another refund is refused.
        using var otherBody = await RefundAsync(merchant, checkout.OrderId, "refund-line-1", new RefundInput([new RefundLineInput(2, 1)], true));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherBody.StatusCode);
        Assert.Equal(writesBefore, runner.Writes);

        // A new key without lines refunds what is left (one unit of each line), without restock.
        using var rest = await RefundAsync(merchant, checkout.OrderId, "refund-rest", null);
        Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
        var refunded = (await rest.Content.ReadFromJsonAsync<OrderView>(ApiJson.Options))!;
        Assert.Equal(("refunded", 6000L), (refunded.Status, refunded.Amounts.Refunded.MinorUnits));
        Assert.Equal([2L, 1L], refunded.Lines.Select(l => l.RefundedQuantity));
        Assert.Equal([2000L, 4000L], refunded.Refunds.Select(r => r.Amount.MinorUnits));
        var payment = runner.Payments.Find(paymentId)!;
        Assert.Equal((6000L, 6000L), (payment.Captured!.Value.MinorUnits, payment.Refunded.MinorUnits));
        Assert.Equal((9L, 0L, 1L), Units(await runner.LevelAsync(merchant, product)));
        Assert.Equal((9L, 0L, 1L), Units(await runner.LevelAsync(merchant, product, "shirt-m")));

        // Nothing is left to refund.
        using var more = await RefundAsync(merchant, checkout.OrderId, "refund-more", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, more.StatusCode);
    }

    [Fact]
    public async Task RefundOrder_UnpaidOrders_409AndNothingWritten()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant);
        var declined = await runner.CheckoutAsync(runner.ViewerToken(RunnerFixture.NewViewerId()), BuyNow(merchant, product, Declined));
        Assert.Equal("rejected", declined.Status);
        var awaiting = await runner.AwaitingOrderAsync(merchant);
        var writesBefore = runner.Writes;
        var paymentsBefore = runner.Payments.PaymentCount;

        using var failed = await RefundAsync(merchant, declined.OrderId, "refund-1", null);
        using var open = await RefundAsync(merchant, awaiting.OrderId, "refund-1", null);

        Assert.Equal(HttpStatusCode.Conflict, failed.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, open.StatusCode);
        Assert.Equal("application/problem+json", failed.Content.Headers.ContentType?.MediaType);
        Assert.Contains("payment_failed", await failed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("awaiting_payment_action", await open.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(writesBefore, runner.Writes);
        Assert.Equal(paymentsBefore, runner.Payments.PaymentCount);
        var payment = runner.Payments.Find((await runner.StoredOrderAsync(merchant, awaiting.OrderId)).Payment.PaymentId!)!;
        Assert.Equal((PaymentStatus.RequiresAction, 0L), (payment.Status, payment.Refunded.MinorUnits));
        await runner.FinishAsync(awaiting);
    }

    [Fact]
    public async Task RefundOrder_WithoutIdempotencyKey_428()
    {
        var paid = await runner.PaidOrderAsync();
        var writesBefore = runner.Writes;

        using var response = await RefundAsync(paid.MerchantId, paid.OrderId, null, null);

        Assert.Equal(HttpStatusCode.PreconditionRequired, response.StatusCode);
        Assert.Equal(writesBefore, runner.Writes);
        Assert.Equal(0, runner.Payments.Find((await runner.StoredOrderAsync(paid.MerchantId, paid.OrderId)).Payment.PaymentId!)!.Refunded.MinorUnits);
    }

    private async Task<HttpResponseMessage> RefundAsync(string merchant, string orderId, string? key, RefundInput? body)
    {
        using var request = RunnerFixture.Request(HttpMethod.Post, Routes.Format(Routes.MerchantOrderRefunds, merchant, orderId), runner.MerchantToken(merchant), body);
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await runner.Client.SendAsync(request);
    }

    private static (long Available, long Reserved, long Sold) Units(LiveShop.Core.Stock.StockLevel level) => (level.Available, level.Reserved, level.Sold);
}

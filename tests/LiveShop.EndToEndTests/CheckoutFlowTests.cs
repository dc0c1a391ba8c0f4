using System.Net;
using System.Net.Http.Json;
using LiveShop.Core.Checkout;
using LiveShop.Core.Events;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Sales;
using LiveShop.Functions.Http;
using LiveShop.Payments;
using static LiveShop.EndToEndTests.CheckoutDriver;

namespace LiveShop.EndToEndTests;

/// <summary>
/// Every path of the checkout orchestration, through the runner over HTTP on its in-memory Durable backend (real
/// replay), each checked in its outcome and in its side effects: the order, the stock (available/reserved/sold), the
/// simulated payment, flash-sale claims, the cart and the OrderPaid event.
/// </summary>
[Collection(RunnerCollection.Name)]
public sealed class CheckoutFlowTests(RunnerFixture runner)
{
    [Fact]
    public async Task BuyNow_Visa_PaidUnitsSoldPaymentCapturedOrderPaidPublishedOnce()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "us", price: 2500, stock: 10);
        var viewerId = RunnerFixture.NewViewerId();
        var token = runner.ViewerToken(viewerId);
        var paymentsBefore = runner.Payments.PaymentCount;

        var started = await runner.StartCheckoutAsync(token, BuyNow(merchant, product, quantity: 2));
        var outcome = await runner.WaitForCheckoutAsync(started.Id);
        var checkout = await runner.GetCheckoutAsync(token, started.Id);

        Assert.Equal(("pending", "buy_now", merchant), (started.Status, started.Source, started.MerchantId));
        Assert.Equal((CheckoutStatus.Paid, (CheckoutRejection?)null), (outcome.Status, outcome.Rejection));
        Assert.Equal(("paid", true, (CheckoutRejection?)null, (string?)null), (checkout.Status, checkout.HasOrder, checkout.Rejection, checkout.NextActionUrl));
        Assert.Equal((5000L, "USD"), (checkout.Total!.MinorUnits, checkout.Total.Currency));
        await AssertPaidAsync(merchant, checkout, token, 5000, paymentsBefore);
        Assert.Equal((8L, 0L, 2L), Units(await runner.LevelAsync(merchant, product)));
        Assert.Equal((10L, 0L, 0L), Units(await runner.LevelAsync(merchant, product, "shirt-m")));
        var paid = Assert.IsType<OrderEventData>(Assert.Single(runner.Events.About(merchant, checkout.OrderId), e => e.Type == DomainEventTypes.OrderPaid).Data);
        Assert.Equal((checkout.OrderId, viewerId, 5000L, "USD", "paid"), (paid.OrderId, paid.BuyerId, paid.Total.MinorUnits, paid.Total.Currency, paid.Status));
        var line = Assert.Single(paid.Lines);
        Assert.Equal((product, "shirt-s", 2L, (string?)null, (string?)null), (line.ProductId, line.SkuId, line.Quantity, line.SaleId, line.StreamId));
    }

    [Fact]
    public async Task FromCart_Visa_PaidAndTheBoughtLinesLeaveTheCart()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var other = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk", price: 2000, stock: 10);
        var (otherProduct, _) = await runner.CreateProductAsync(other, "uk", price: 900, stock: 10);
        var viewerId = RunnerFixture.NewViewerId();
        var token = runner.ViewerToken(viewerId);
        var shopper = Shopper.Viewer(token);
        await runner.AddToCartAsync(shopper, "uk", merchant, product, "shirt-s", 2);
        await runner.AddToCartAsync(shopper, "uk", merchant, product, "shirt-m", 1);
        await runner.AddToCartAsync(shopper, "uk", other, otherProduct, "shirt-s", 1);
        var paymentsBefore = runner.Payments.PaymentCount;

        // Two merchants' lines: the checkout buys the named merchant's lines only.
        var checkout = await runner.CheckoutAsync(token, FromCart("uk", merchantId: merchant));

        Assert.Equal(("paid", "cart", merchant), (checkout.Status, checkout.Source, checkout.MerchantId));
        Assert.Equal([("shirt-s", 2L), ("shirt-m", 1L)], checkout.Items.Select(i => (i.SkuId, i.Quantity)));
        await AssertPaidAsync(merchant, checkout, token, 6000, paymentsBefore);
        var order = await runner.StoredOrderAsync(merchant, checkout.OrderId);
        Assert.Equal([(1, "shirt-s", 2L), (2, "shirt-m", 1L)], order.Lines.Select(l => (l.Number, l.SkuId, l.Quantity)));
        Assert.Equal(1000, order.Amounts.Tax.MinorUnits);
        Assert.Equal((8L, 0L, 2L), Units(await runner.LevelAsync(merchant, product)));
        Assert.Equal((9L, 0L, 1L), Units(await runner.LevelAsync(merchant, product, "shirt-m")));
        Assert.Equal((10L, 0L, 0L), Units(await runner.LevelAsync(other, otherProduct)));
        var cart = await runner.GetCartAsync(shopper, "uk");
        var left = Assert.Single(cart.Lines);
        Assert.Equal((other, otherProduct, 1L), (left.MerchantId, left.ProductId, left.Quantity));
        Assert.Single(runner.Events.About(merchant, checkout.OrderId));
    }

    [Fact]
    public async Task BuyNow_OutOfStock_RejectedNothingChargedNothingHeldNoOrder()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "us", stock: 3);
        var token = runner.ViewerToken(RunnerFixture.NewViewerId());
        var paymentsBefore = runner.Payments.PaymentCount;

        var checkout = await runner.CheckoutAsync(token, BuyNow(merchant, product, quantity: 4));

        Assert.Equal(("rejected", RejectionReasons.OutOfStock, "shirt-s"), (checkout.Status, checkout.Rejection?.Reason, checkout.Rejection?.SkuId));
        Assert.False(checkout.HasOrder);
        Assert.Equal(paymentsBefore, runner.Payments.PaymentCount);
        Assert.Null(await runner.Orders.ReadAsync(merchant, checkout.OrderId, CancellationToken.None));
        Assert.Equal((3L, 0L, 0L), Units(await runner.LevelAsync(merchant, product)));
        Assert.Empty(runner.Events.About(merchant, checkout.OrderId));
        using var order = await runner.SendAsync(HttpMethod.Get, Routes.Format(Routes.Order, checkout.OrderId), token);
        Assert.Equal(HttpStatusCode.NotFound, order.StatusCode);
    }

    [Fact]
    public async Task FromCart_SecondLineOutOfStock_RejectedAndTheFirstLinesHoldGivenBack()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "us", stock: 10);
        var token = runner.ViewerToken(RunnerFixture.NewViewerId());
        var shopper = Shopper.Viewer(token);
        await runner.AddToCartAsync(shopper, "us", merchant, product, "shirt-s", 2);
        await runner.AddToCartAsync(shopper, "us", merchant, product, "shirt-m", 5);
        var first = await runner.CheckoutAsync(runner.ViewerToken(RunnerFixture.NewViewerId()), BuyNow(merchant, product, quantity: 8, skuId: "shirt-m"));
        Assert.Equal("paid", first.Status);
        var paymentsBefore = runner.Payments.PaymentCount;

        var checkout = await runner.CheckoutAsync(token, FromCart("us", merchantId: merchant));

        Assert.Equal(("rejected", RejectionReasons.OutOfStock, "shirt-m"), (checkout.Status, checkout.Rejection?.Reason, checkout.Rejection?.SkuId));
        Assert.Equal(paymentsBefore, runner.Payments.PaymentCount);
        Assert.Equal((10L, 0L, 0L), Units(await runner.LevelAsync(merchant, product)));
        Assert.Equal((2L, 0L, 8L), Units(await runner.LevelAsync(merchant, product, "shirt-m")));
        Assert.Equal([("shirt-s", 2L), ("shirt-m", 5L)], (await runner.GetCartAsync(shopper, "us")).Lines.Select(l => (l.SkuId, l.Quantity)));
    }

    [Fact]
    public async Task BuyNow_DeclinedCard_RejectedOrderPaymentFailedStockReleased()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "us", stock: 5);
        var token = runner.ViewerToken(RunnerFixture.NewViewerId());
        var paymentsBefore = runner.Payments.PaymentCount;

        var checkout = await runner.CheckoutAsync(token, BuyNow(merchant, product, Declined, quantity: 2));

        Assert.Equal(("rejected", RejectionReasons.PaymentDeclined), (checkout.Status, checkout.Rejection?.Reason));
        Assert.Contains("card_declined", checkout.Rejection!.Detail, StringComparison.Ordinal);
        Assert.Equal("payment_failed", (await GetMyOrderAsync(token, checkout.OrderId)).Status);
        Assert.Equal(paymentsBefore, runner.Payments.PaymentCount);
        Assert.Equal((5L, 0L, 0L), Units(await runner.LevelAsync(merchant, product)));
        Assert.Empty(runner.Events.About(merchant, checkout.OrderId));
    }

    [Fact]
    public async Task BuyNow_ThreeDSecureCompleted_Paid()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "us", price: 1200, stock: 5);
        var token = runner.ViewerToken(RunnerFixture.NewViewerId());
        var paymentsBefore = runner.Payments.PaymentCount;

        var started = await runner.StartCheckoutAsync(token, BuyNow(merchant, product, ThreeDSecure));
        var awaiting = await runner.WaitForStatusAsync(token, started.Id, "awaiting_payment_action");

        // While the buyer authenticates, the unit is held and the order waits.
        Assert.Equal((4L, 1L, 0L), Units(await runner.LevelAsync(merchant, product)));
        Assert.Equal("awaiting_payment_action", (await GetMyOrderAsync(token, awaiting.OrderId)).Status);
        var paymentId = (await runner.StoredOrderAsync(merchant, awaiting.OrderId)).Payment.PaymentId!;
        Assert.Equal(SimulatedPayments.ActionPath(paymentId), awaiting.NextActionUrl);
        Assert.Equal(PaymentStatus.RequiresAction, runner.Payments.Find(paymentId)!.Status);

        await runner.AuthenticateAsync(awaiting, succeed: true);
        await runner.WaitForCheckoutAsync(started.Id);
        var checkout = await runner.GetCheckoutAsync(token, started.Id);

        Assert.Equal(("paid", (string?)null), (checkout.Status, checkout.NextActionUrl));
        await AssertPaidAsync(merchant, checkout, token, 1200, paymentsBefore);
        Assert.Equal((4L, 0L, 1L), Units(await runner.LevelAsync(merchant, product)));
        Assert.Single(runner.Events.About(merchant, checkout.OrderId));
    }

    [Fact]
    public async Task BuyNow_ThreeDSecureFailed_DeclinedAndStockReleased()
    {
        var awaiting = await runner.AwaitingOrderAsync();
        var paymentId = (await runner.StoredOrderAsync(awaiting.MerchantId, awaiting.OrderId)).Payment.PaymentId!;

        await runner.AuthenticateAsync(awaiting.Checkout, succeed: false);
        await runner.WaitForCheckoutAsync(awaiting.Checkout.Id);
        var checkout = await runner.GetCheckoutAsync(awaiting.Token, awaiting.Checkout.Id);

        Assert.Equal(("rejected", RejectionReasons.PaymentDeclined), (checkout.Status, checkout.Rejection?.Reason));
        Assert.Equal("payment_failed", (await GetMyOrderAsync(awaiting.Token, checkout.OrderId)).Status);
        var payment = runner.Payments.Find(paymentId)!;
        Assert.Equal((PaymentStatus.Declined, (LiveShop.Core.Money.Money?)null), (payment.Status, payment.Captured));
        Assert.Equal((10L, 0L, 0L), Units(await runner.LevelAsync(awaiting.MerchantId, awaiting.Product)));
        Assert.Empty(runner.Events.About(awaiting.MerchantId, checkout.OrderId));
    }

    [Fact]
    public async Task CancelMyOrder_WhileAwaitingThreeDSecure_CancelledPaymentCancelledStockReleased()
    {
        var awaiting = await runner.AwaitingOrderAsync();
        var paymentId = (await runner.StoredOrderAsync(awaiting.MerchantId, awaiting.OrderId)).Payment.PaymentId!;
        Assert.Equal((9L, 1L, 0L), Units(await runner.LevelAsync(awaiting.MerchantId, awaiting.Product)));

        using var cancel = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.OrderCancel, awaiting.OrderId), awaiting.Token);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("cancel_requested", (await cancel.Content.ReadFromJsonAsync<OrderView>(ApiJson.Options))!.Status);
        var outcome = await runner.WaitForCheckoutAsync(awaiting.Checkout.Id);
        var checkout = await runner.GetCheckoutAsync(awaiting.Token, awaiting.Checkout.Id);

        Assert.Equal((CheckoutStatus.Rejected, RejectionReasons.Cancelled), (outcome.Status, outcome.Rejection?.Reason));
        Assert.Equal(("rejected", RejectionReasons.Cancelled), (checkout.Status, checkout.Rejection?.Reason));
        Assert.Equal("cancelled", (await GetMyOrderAsync(awaiting.Token, checkout.OrderId)).Status);
        Assert.Equal(PaymentStatus.Cancelled, runner.Payments.Find(paymentId)!.Status);
        Assert.Equal((10L, 0L, 0L), Units(await runner.LevelAsync(awaiting.MerchantId, awaiting.Product)));

        // Cancelling again changes nothing; authenticating after the cancellation cannot revive it.
        var writesBefore = runner.Writes;
        using var again = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.OrderCancel, awaiting.OrderId), awaiting.Token);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal("cancelled", (await again.Content.ReadFromJsonAsync<OrderView>(ApiJson.Options))!.Status);
        Assert.Equal(writesBefore, runner.Writes);
        Assert.Empty(runner.Events.About(awaiting.MerchantId, checkout.OrderId));
    }

    [Fact]
    public async Task CancelMyOrder_AfterPaid_409AndOrderStaysPaid()
    {
        var paid = await runner.PaidOrderAsync();
        var writesBefore = runner.Writes;

        using var cancel = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.OrderCancel, paid.OrderId), paid.Token);

        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
        Assert.Equal("application/problem+json", cancel.Content.Headers.ContentType?.MediaType);
        Assert.Contains("refund", await cancel.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(writesBefore, runner.Writes);
        Assert.Equal("paid", (await GetMyOrderAsync(paid.Token, paid.OrderId)).Status);
        var payment = runner.Payments.Find((await runner.StoredOrderAsync(paid.MerchantId, paid.OrderId)).Payment.PaymentId!)!;
        Assert.Equal(PaymentStatus.Captured, payment.Status);
    }

    [Fact]
    public async Task BuyNow_ProviderFailsTransientlyOnce_RetriedAndPaidWithOnePayment()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "us", price: 700, stock: 5);
        var token = runner.ViewerToken(RunnerFixture.NewViewerId());
        var paymentsBefore = runner.Payments.PaymentCount;

        var checkout = await runner.CheckoutAsync(token, BuyNow(merchant, product, Flaky));

        Assert.Equal("paid", checkout.Status);
        await AssertPaidAsync(merchant, checkout, token, 700, paymentsBefore);
        Assert.Equal((4L, 0L, 1L), Units(await runner.LevelAsync(merchant, product)));
        Assert.Single(runner.Events.About(merchant, checkout.OrderId));
    }

    [Fact]
    public async Task BuyNow_ProviderOutage_RejectedPaymentUnavailableNoPaymentStockReleased()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "us", stock: 5);
        var token = runner.ViewerToken(RunnerFixture.NewViewerId());
        var paymentsBefore = runner.Payments.PaymentCount;

        var checkout = await runner.CheckoutAsync(token, BuyNow(merchant, product, Outage, quantity: 2));

        Assert.Equal(("rejected", RejectionReasons.PaymentUnavailable), (checkout.Status, checkout.Rejection?.Reason));
        Assert.Equal(paymentsBefore, runner.Payments.PaymentCount);
        var order = await runner.StoredOrderAsync(merchant, checkout.OrderId);
        Assert.Equal((OrderStatus.PaymentFailed, (string?)null), (order.Status, order.Payment.PaymentId));
        Assert.Equal((5L, 0L, 0L), Units(await runner.LevelAsync(merchant, product)));
        Assert.Empty(runner.Events.About(merchant, checkout.OrderId));
    }

    [Fact]
    public async Task BuyNow_FlashSale_DealPriceClaimBought_AndARacingCheckoutPastTheLimitIsRejected()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant, "uk", price: 2000, stock: 20);
        var sale = await runner.CreateFlashSaleAsync(merchant, stream, now => Inputs.FlashSale(
            product, now, dealPrice: 1500, allotment: 10, perCustomerLimit: 2, startsIn: TimeSpan.FromSeconds(11)));
        runner.Clock.Advance(TimeSpan.FromSeconds(12));
        var viewerId = RunnerFixture.NewViewerId();
        var token = runner.ViewerToken(viewerId);
        var paymentsBefore = runner.Payments.PaymentCount;

        // The buyer's first checkout (1 unit) reads the buyer's claims (none yet) when it prices, and is held there
        // while a second checkout of the same buyer (2 units) goes through: the first then tries to claim a third unit.
        var held = runner.Claims.HoldNextReadMany(viewerId);
        var racing = await runner.StartCheckoutAsync(token, BuyNow(merchant, product, market: "uk", quantity: 1, streamId: stream));
        await held.Reached.Task.WaitAsync(StuckAfter);
        var winner = await runner.CheckoutAsync(token, BuyNow(merchant, product, market: "uk", quantity: 2, streamId: stream));
        held.Release();
        var outcome = await runner.WaitForCheckoutAsync(racing.Id);
        var refused = await runner.GetCheckoutAsync(token, racing.Id);

        Assert.Equal(("paid", 3000L), (winner.Status, winner.Total!.MinorUnits));
        await AssertPaidAsync(merchant, winner, token, 3000, paymentsBefore);
        var line = Assert.Single((await runner.StoredOrderAsync(merchant, winner.OrderId)).Lines);
        Assert.Equal((sale.Id, 1500L, 2000L, stream), (line.SaleId, line.UnitPrice.MinorUnits, line.RegularUnitPrice.MinorUnits, line.StreamId));
        Assert.Equal((CheckoutStatus.Rejected, RejectionReasons.SaleLimitReached), (outcome.Status, outcome.Rejection?.Reason));
        Assert.Equal(("rejected", RejectionReasons.SaleLimitReached, "shirt-s", false), (refused.Status, refused.Rejection?.Reason, refused.Rejection?.SkuId, refused.HasOrder));
        Assert.Equal(paymentsBefore + 1, runner.Payments.PaymentCount);
        var level = await runner.LevelAsync(merchant, product);
        Assert.Equal((18L, 0L, 2L, 8L), (level.Available, level.Reserved, level.Sold, level.SaleUnitsLeft));
        var claim = (await runner.Claims.ReadAsync(viewerId, sale.Id, CancellationToken.None))!.Value;
        Assert.Equal((2L, 2L), (claim.Taken, claim.Bought));
        Assert.Equal([winner.Id], claim.Entries.Keys);
        var paid = Assert.IsType<OrderEventData>(Assert.Single(runner.Events.About(merchant, winner.OrderId), e => e.Type == DomainEventTypes.OrderPaid).Data);
        var paidLine = Assert.Single(paid.Lines);
        Assert.Equal((product, "shirt-s", 2L, sale.Id, stream), (paidLine.ProductId, paidLine.SkuId, paidLine.Quantity, paidLine.SaleId, paidLine.StreamId));

        // Another buyer's card is declined: its claim is given back, and so are the sale's units.
        var otherId = RunnerFixture.NewViewerId();
        var declined = await runner.CheckoutAsync(runner.ViewerToken(otherId), BuyNow(merchant, product, Declined, "uk", quantity: 2, streamId: stream));
        Assert.Equal(("rejected", RejectionReasons.PaymentDeclined, 3000L), (declined.Status, declined.Rejection?.Reason, declined.Total!.MinorUnits));
        var released = (await runner.Claims.ReadAsync(otherId, sale.Id, CancellationToken.None))!.Value;
        Assert.Equal((0L, 0L, ClaimState.Released), (released.Taken, released.Bought, released.Entries[declined.Id].State));
        level = await runner.LevelAsync(merchant, product);
        Assert.Equal((18L, 0L, 2L, 8L), (level.Available, level.Reserved, level.Sold, level.SaleUnitsLeft));
    }

    [Fact]
    public async Task BuyNow_DuringAFlashSaleWithoutTheSalesStream_RegularPriceNoClaimNoAllotment_AndFromTheStreamTheDeal()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant, "uk", price: 2000, stock: 20);
        var sale = await runner.CreateFlashSaleAsync(merchant, stream, now => Inputs.FlashSale(
            product, now, dealPrice: 1500, allotment: 10, perCustomerLimit: 2, startsIn: TimeSpan.FromSeconds(11)));
        runner.Clock.Advance(TimeSpan.FromSeconds(12));
        var viewerId = RunnerFixture.NewViewerId();
        var token = runner.ViewerToken(viewerId);

        // A flash sale is stream-only: bought with no stream id, or from another stream, it is a regular purchase (even
        // within the sale's limit of 2, and past it together) that takes regular stock and no claim.
        var noStream = await runner.CheckoutAsync(token, BuyNow(merchant, product, market: "uk", quantity: 2));
        var otherStream = await runner.CheckoutAsync(token, BuyNow(merchant, product, market: "uk", quantity: 1, streamId: "str_other"));

        Assert.Equal(("paid", 4000L), (noStream.Status, noStream.Total!.MinorUnits));
        Assert.Equal(("paid", 2000L), (otherStream.Status, otherStream.Total!.MinorUnits));
        var regular = Assert.Single((await runner.StoredOrderAsync(merchant, noStream.OrderId)).Lines);
        Assert.Equal(((string?)null, 2000L, (string?)null), (regular.SaleId, regular.UnitPrice.MinorUnits, regular.StreamId));
        var fromOther = Assert.Single((await runner.StoredOrderAsync(merchant, otherStream.OrderId)).Lines);
        Assert.Equal(((string?)null, 2000L, "str_other"), (fromOther.SaleId, fromOther.UnitPrice.MinorUnits, fromOther.StreamId));
        Assert.Null(await runner.Claims.ReadAsync(viewerId, sale.Id, CancellationToken.None));
        var level = await runner.LevelAsync(merchant, product);
        Assert.Equal((17L, 0L, 3L, 10L), (level.Available, level.Reserved, level.Sold, level.SaleUnitsLeft));

        // From the sale's stream the same buyer gets the deal, up to the limit (the regular units do not count).
        var deal = await runner.CheckoutAsync(token, BuyNow(merchant, product, market: "uk", quantity: 2, streamId: stream));

        Assert.Equal(("paid", 3000L), (deal.Status, deal.Total!.MinorUnits));
        var line = Assert.Single((await runner.StoredOrderAsync(merchant, deal.OrderId)).Lines);
        Assert.Equal((sale.Id, 1500L, stream), (line.SaleId, line.UnitPrice.MinorUnits, line.StreamId));
        var claim = (await runner.Claims.ReadAsync(viewerId, sale.Id, CancellationToken.None))!.Value;
        Assert.Equal((2L, 2L), (claim.Taken, claim.Bought));
        level = await runner.LevelAsync(merchant, product);
        Assert.Equal((15L, 0L, 5L, 8L), (level.Available, level.Reserved, level.Sold, level.SaleUnitsLeft));
    }

    [Fact]
    public async Task CartCheckout_DuringAFlashSale_OnlyTheLineFromTheSalesStreamGetsTheDeal()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant, "uk", price: 2000, stock: 20);
        var sale = await runner.CreateFlashSaleAsync(merchant, stream, now => Inputs.FlashSale(
            product, now, dealPrice: 1500, perCustomerLimit: 2, startsIn: TimeSpan.FromSeconds(11)));
        var saleOnOtherSku = await runner.CreateFlashSaleAsync(merchant, stream, now => Inputs.FlashSale(
            product, now, skuId: "shirt-m", dealPrice: 1500, perCustomerLimit: 2, startsIn: TimeSpan.FromSeconds(11)));
        runner.Clock.Advance(TimeSpan.FromSeconds(12));
        var viewerId = RunnerFixture.NewViewerId();
        var token = runner.ViewerToken(viewerId);
        var viewer = Shopper.Viewer(token);

        // shirt-s from the sale's stream; shirt-m from no stream, past the sale's limit (a regular line has none).
        await runner.AddToCartAsync(viewer, "uk", merchant, product, "shirt-s", 2, stream);
        await runner.AddToCartAsync(viewer, "uk", merchant, product, "shirt-m", 3);
        var cart = await runner.GetCartAsync(viewer, "uk");
        var fromStream = cart.Lines.Single(l => l.SkuId == "shirt-s");
        var regular = cart.Lines.Single(l => l.SkuId == "shirt-m");
        Assert.Equal((1500L, sale.Id, true), (fromStream.UnitPrice!.MinorUnits, fromStream.FlashSale!.SaleId, fromStream.FlashSale.Applied));
        Assert.Equal((2000L, (string?)null), (regular.UnitPrice!.MinorUnits, regular.StreamId));
        Assert.Null(regular.FlashSale);

        var checkout = await runner.CheckoutAsync(token, FromCart("uk", merchantId: merchant));

        Assert.Equal(("paid", 9000L), (checkout.Status, checkout.Total!.MinorUnits));
        var lines = (await runner.StoredOrderAsync(merchant, checkout.OrderId)).Lines;
        Assert.Equal((sale.Id, 1500L, stream), lines.Where(l => l.SkuId == "shirt-s").Select(l => (l.SaleId, l.UnitPrice.MinorUnits, l.StreamId)).Single());
        Assert.Equal(((string?)null, 2000L), lines.Where(l => l.SkuId == "shirt-m").Select(l => (l.SaleId, l.UnitPrice.MinorUnits)).Single());
        Assert.Null(await runner.Claims.ReadAsync(viewerId, saleOnOtherSku.Id, CancellationToken.None));
        Assert.Equal(10, (await runner.LevelAsync(merchant, product, "shirt-m")).SaleUnitsLeft);
    }

    /// <summary>
    /// A paid checkout's order and payment: the order is paid (as its buyer and its merchant read it) and refers to the
    /// one new payment, which is captured for the total; OrderPaid was published once.
    /// </summary>
    private async Task AssertPaidAsync(string merchant, CheckoutView checkout, string token, long total, int paymentsBefore)
    {
        Assert.Equal(("paid", true, total), (checkout.Status, checkout.HasOrder, checkout.Total!.MinorUnits));
        var mine = await GetMyOrderAsync(token, checkout.OrderId);
        Assert.Equal(("paid", total), (mine.Status, mine.Amounts.Total.MinorUnits));
        Assert.NotNull(mine.Payment.AuthorizedAt);
        Assert.NotNull(mine.Payment.CapturedAt);
        using var merchantView = await runner.SendAsync(HttpMethod.Get, Routes.Format(Routes.MerchantOrder, merchant, checkout.OrderId), runner.MerchantToken(merchant));
        Assert.Equal(HttpStatusCode.OK, merchantView.StatusCode);
        Assert.Equal("paid", (await merchantView.Content.ReadFromJsonAsync<OrderView>(ApiJson.Options))!.Status);

        var order = await runner.StoredOrderAsync(merchant, checkout.OrderId);
        var payment = runner.Payments.Find(order.Payment.PaymentId!)!;
        Assert.Equal((checkout.Id, PaymentStatus.Captured, total, total, 0L), (payment.CheckoutId, payment.Status, payment.Amount.MinorUnits, payment.Captured?.MinorUnits, payment.Refunded.MinorUnits));
        Assert.Equal(paymentsBefore + 1, runner.Payments.PaymentCount);
        var paid = Assert.Single(runner.Events.About(merchant, checkout.OrderId), e => e.Type == DomainEventTypes.OrderPaid);
        Assert.Equal(checkout.OrderId + ":order.paid", paid.Id);
    }

    private async Task<OrderView> GetMyOrderAsync(string token, string orderId)
    {
        using var response = await runner.SendAsync(HttpMethod.Get, Routes.Format(Routes.Order, orderId), token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<OrderView>(ApiJson.Options))!;
    }

    private static (long Available, long Reserved, long Sold) Units(LiveShop.Core.Stock.StockLevel level) => (level.Available, level.Reserved, level.Sold);
}

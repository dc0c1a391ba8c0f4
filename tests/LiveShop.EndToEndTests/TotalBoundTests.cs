using System.Net;
using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Pricing;
using LiveShop.Functions.Http;
using static LiveShop.EndToEndTests.CheckoutDriver;

namespace LiveShop.EndToEndTests;

/// <summary>Orders and carts past the most an order may cost are refused cleanly (422, or a rejected checkout), never a 500.</summary>
[Collection(RunnerCollection.Name)]
public sealed class TotalBoundTests(RunnerFixture runner)
{
    [Fact]
    public async Task BuyNow_UkTotalPastTheBound_RejectedTotalTooLargeNothingChargedNothingHeld()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk", price: ProductRules.MaxPriceMinorUnits, stock: 200);
        var paymentsBefore = runner.Payments.PaymentCount;

        var checkout = await runner.CheckoutAsync(runner.ViewerToken(RunnerFixture.NewViewerId()), BuyNow(merchant, product, market: "uk", quantity: 2));

        Assert.Equal(("rejected", RejectionReasons.TotalTooLarge), (checkout.Status, checkout.Rejection?.Reason));
        Assert.Equal(paymentsBefore, runner.Payments.PaymentCount);
        var level = await runner.LevelAsync(merchant, product);
        Assert.Equal((200L, 0L, 0L), (level.Available, level.Reserved, level.Sold));
    }

    [Fact]
    public async Task AddToCart_UkTotalPastTheBound_422TotalTooLargeAndTheCartUnchanged()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk", price: ProductRules.MaxPriceMinorUnits, stock: 200);
        var viewer = runner.NewViewer();
        var (_, etag) = await runner.AddToCartAsync(viewer, "uk", merchant, product);

        using var response = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.CartLines, "uk"), viewer, Inputs.CartLine(merchant, product, "shirt-m", 99));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains(PriceBook.TotalTooLarge, body, StringComparison.Ordinal);
        Assert.Equal(etag, (await runner.GetCartAsync(viewer, "uk")).Version);
    }
}

using LiveShop.Core.Checkout;
using LiveShop.Core.Live;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Storage.InMemory;
using LiveShop.UnitTests.Builders;
using Moq;

namespace LiveShop.UnitTests.Live;

/// <summary>Where a checkout's status is written, the buyer's live notice follows, once per change.</summary>
public sealed class CheckoutNoticeTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly Shop _shop = new();
    private readonly InMemoryCheckoutStore _checkouts = new();
    private readonly CheckoutSteps _steps;

    public CheckoutNoticeTests() =>
        _steps = new CheckoutSteps(
            _shop.ProductStore, _shop.Stock, _shop.Claims, _shop.OpenCheckouts, new InMemoryOrderStore(), _checkouts, Mock.Of<IPaymentProvider>(),
            _shop.Carts, _shop.Live.Object, _shop.Clock);

    [Fact]
    public async Task FailAsync_RejectsThePendingCheckout_AndTellsTheBuyerOnce()
    {
        var start = Start();
        await _checkouts.CreateAsync(Pending(start), None);
        var failure = new CheckoutFailure(start, null, null, new CheckoutRejection(RejectionReasons.SaleSoldOut, "sku-1", "sold out"));

        await _steps.FailAsync(failure, None);
        await _steps.FailAsync(failure, None);

        _shop.Live.Verify(l => l.CheckoutChangedAsync(
            It.Is<Core.Checkout.Checkout>(c => c.Id == "chk_1" && c.Status == CheckoutStatus.Rejected && c.Rejection!.Reason == RejectionReasons.SaleSoldOut),
            It.IsAny<CancellationToken>()), Times.Once);
    }

    private static CheckoutStart Start() =>
        new("chk_1", "ord_1", "viewer-1", "us", Shop.MerchantId, CheckoutSource.BuyNow, [new CheckoutItem(Shop.MerchantId, "prd_1", "sku-1", 1, "str_1")], "pm_card_visa");

    private Core.Checkout.Checkout Pending(CheckoutStart start) =>
        new(start.CheckoutId, start.BuyerId, start.OrderId, "hash", start.Market, start.MerchantId, start.Source, start.Items, start.PaymentMethod,
            CheckoutStatus.Pending, null, null, null, null, false, _shop.Clock.GetUtcNow(), _shop.Clock.GetUtcNow());
}

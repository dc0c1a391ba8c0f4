using LiveShop.Core.Checkout;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Storage.InMemory;
using LiveShop.UnitTests.Builders;
using Moq;

namespace LiveShop.UnitTests.Checkout;

/// <summary>
/// Releasing the payment of a failed checkout whose authorization never answered: the provider is searched for it, and
/// finding none is believed only once its search can show a payment made when the authorization was sent.
/// </summary>
public sealed class ReleasePaymentTests
{
    private static readonly TimeSpan SearchLag = TimeSpan.FromMinutes(5);
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly Shop _shop = new();
    private readonly Mock<IPaymentProvider> _payments = new(MockBehavior.Strict);
    private readonly CheckoutSteps _steps;

    public ReleasePaymentTests()
    {
        _payments.Setup(p => p.SearchLag).Returns(SearchLag);
        _steps = new CheckoutSteps(
            _shop.ProductStore, _shop.Stock, _shop.Claims, _shop.OpenCheckouts, new InMemoryOrderStore(), new InMemoryCheckoutStore(), _payments.Object,
            _shop.Carts, _shop.Live.Object, _shop.Clock);
    }

    [Fact]
    public async Task ReleasePaymentAsync_NoPaymentFoundWhileTheSearchMayLag_FailsSoTheStepIsRetried()
    {
        _payments.Setup(p => p.FindByCheckoutAsync("chk_1", None)).ReturnsAsync((PaymentResult?)null);

        var sentAt = _shop.Clock.GetUtcNow() - SearchLag + TimeSpan.FromSeconds(1);

        await Assert.ThrowsAsync<PaymentUnavailableException>(() => _steps.ReleasePaymentAsync(Failure(sentAt), None));
    }

    [Fact]
    public async Task ReleasePaymentAsync_NoPaymentFoundOnceTheSearchCanShowIt_NothingToRelease()
    {
        _payments.Setup(p => p.FindByCheckoutAsync("chk_1", None)).ReturnsAsync((PaymentResult?)null);

        await _steps.ReleasePaymentAsync(Failure(_shop.Clock.GetUtcNow() - SearchLag), None);

        _payments.Verify(p => p.FindByCheckoutAsync("chk_1", None), Times.Once);
    }

    [Fact]
    public async Task ReleasePaymentAsync_AuthorizationFoundAtOnce_IsCancelledUnderTheCheckoutsKey()
    {
        _payments.Setup(p => p.FindByCheckoutAsync("chk_1", None)).ReturnsAsync(new PaymentResult("pi_1", PaymentStatus.Authorized));
        _payments.Setup(p => p.CancelAsync("pi_1", "chk_1:cancel", None)).ReturnsAsync(new PaymentResult("pi_1", PaymentStatus.Cancelled));

        await _steps.ReleasePaymentAsync(Failure(_shop.Clock.GetUtcNow()), None);

        _payments.Verify(p => p.CancelAsync("pi_1", "chk_1:cancel", None), Times.Once);
    }

    private static CheckoutFailure Failure(DateTimeOffset authorizationSentAt) => new(
        new CheckoutStart("chk_1", "ord_1", "viewer-1", "us", "m1", CheckoutSource.BuyNow, [new CheckoutItem("m1", "prd_1", "sku_1", 1, null)], "pm_card_visa"),
        null,
        null,
        new CheckoutRejection(RejectionReasons.PaymentUnavailable, null, "The payment provider could not be reached."),
        authorizationSentAt);
}

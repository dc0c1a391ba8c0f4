using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Errors;
using LiveShop.Core.Markets;
using LiveShop.Core.Storage;
using LiveShop.Core.Storage.InMemory;
using LiveShop.UnitTests.Builders;
using Moq;

namespace LiveShop.UnitTests.Checkout;

/// <summary>
/// One buyer cannot hold a SKU's stock with checkouts left unpaid (3-D Secure): what it may have in open checkouts is
/// bounded by the market's limits (markets.json), counted race-free, refused with 422 before anything is reserved.
/// </summary>
public sealed class CheckoutLimitTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly CheckoutLimits Us = MarketRegistry.Get("us").CheckoutLimits;

    private readonly Shop _shop = new();
    private readonly InMemoryCheckoutStore _checkouts = new();
    private readonly Mock<ICheckoutWorkflow> _workflow = new();
    private readonly CheckoutSettings _settings = new(TimeSpan.FromMinutes(CheckoutSettings.DefaultPaymentActionMinutes));
    private readonly CheckoutService _service;

    public CheckoutLimitTests() =>
        _service = new CheckoutService(_checkouts, _shop.CartStore, _shop.OpenCheckouts, _settings, new ServedMarkets(null), _shop.Clock);

    [Fact]
    public void Markets_EveryMarketHasLimitsThatLetABuyerCheckOut()
    {
        Assert.All(MarketRegistry.All, m =>
        {
            var l = m.CheckoutLimits;
            Assert.True(l.UnitsPerSku >= 1 && l.UnitsTotal >= l.UnitsPerSku && l.CheckoutsPerSku >= 1 && l.CheckoutsTotal >= l.CheckoutsPerSku, m.Code);
            Assert.InRange(l.FlashSalePaymentActionMinutes, 1, CheckoutSettings.DefaultPaymentActionMinutes);
        });
    }

    [Fact]
    public async Task StartAsync_BuyNowsOfOneSkuPastTheOpenCheckoutsLimit_422BeforeAnythingIsWrittenOrStarted()
    {
        // The review's attack: buy-nows of one SKU left waiting for 3-D Secure, each with a new key.
        for (var i = 0; i < Us.CheckoutsPerSku; i++)
        {
            await StartAsync($"key-{i}", "prd_1", 1);
        }

        var refused = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => StartAsync("key-more", "prd_1", 1));

        Assert.Equal("Checkout limit reached", refused.Title);
        Assert.Contains($"at most {Us.CheckoutsPerSku} may be open", refused.Message, StringComparison.Ordinal);
        Assert.Null(await _checkouts.ReadAsync(Callers.Viewer().UserId, CheckoutService.IdFor(Callers.Viewer().UserId, "key-more"), None));
        _workflow.Verify(w => w.StartAsync(It.IsAny<CheckoutStart>(), None), Times.Exactly(Us.CheckoutsPerSku));
    }

    [Fact]
    public async Task StartAsync_UnitsOfOneSkuPastTheLimit_422NamingTheSku()
    {
        await StartAsync("key-1", "prd_1", Us.UnitsPerSku - 1);

        var refused = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => StartAsync("key-2", "prd_1", 2));

        Assert.Contains($"{Us.UnitsPerSku + 1} units of SKU 'sku-1'", refused.Message, StringComparison.Ordinal);
        await StartAsync("key-3", "prd_1", 1);
    }

    [Fact]
    public async Task StartAsync_OpenCheckoutsPastTheTotalLimit_Refused()
    {
        for (var i = 0; i < Us.CheckoutsTotal; i++)
        {
            await StartAsync($"key-{i}", $"prd_{i}", 1);
        }

        var refused = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => StartAsync("key-more", "prd_more", 1));

        Assert.Contains($"at most {Us.CheckoutsTotal} may be open at once", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_UnitsOfAllSkusPastTheTotalLimit_Refused()
    {
        var skus = (Us.UnitsTotal / Us.UnitsPerSku) + 1;
        var items = Enumerable.Range(0, skus).Select(i => new CheckoutItem(Shop.MerchantId, $"prd_{i}", "sku-1", Us.UnitsPerSku, null)).ToList();

        var refused = await Problem.ThrowsAsync(
            ErrorKind.Unprocessable, () => _shop.OpenCheckouts.OpenAsync("viewer-1", "us", "chk_1", items, _shop.Clock.GetUtcNow().AddMinutes(20), None));

        Assert.Contains($"at most {Us.UnitsTotal} may be held", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_SameRequestRetried_CountsOnce()
    {
        for (var i = 0; i < Us.CheckoutsPerSku + 2; i++)
        {
            await StartAsync("key-1", "prd_1", 1);
        }

        var open = await _shop.OpenCheckoutStore.ReadAsync("viewer-1", OpenCheckouts.IdFor("us"), None);
        Assert.Single(open!.Value.Entries);
    }

    [Fact]
    public async Task StartAsync_AfterACheckoutEnded_ItCountsNoMore()
    {
        for (var i = 0; i < Us.CheckoutsPerSku; i++)
        {
            await StartAsync($"key-{i}", "prd_1", 1);
        }

        await _shop.OpenCheckouts.CloseAsync("viewer-1", "us", CheckoutService.IdFor("viewer-1", "key-0"), None);
        await _shop.OpenCheckouts.CloseAsync("viewer-1", "us", CheckoutService.IdFor("viewer-1", "key-0"), None);

        await StartAsync("key-more", "prd_1", 1);
    }

    [Fact]
    public async Task StartAsync_OpenCheckoutsPastTheirLongestRun_CountNoMoreAndAreDropped()
    {
        for (var i = 0; i < Us.CheckoutsPerSku; i++)
        {
            await StartAsync($"key-{i}", "prd_1", 1);
        }

        _shop.Clock.Advance(_settings.LongestRun);
        await StartAsync("key-later", "prd_1", 1);

        var open = await _shop.OpenCheckoutStore.ReadAsync("viewer-1", OpenCheckouts.IdFor("us"), None);
        Assert.Equal([CheckoutService.IdFor("viewer-1", "key-later")], open!.Value.Entries.Keys);
    }

    [Fact]
    public async Task OpenAsync_TwoCheckoutsOfOneBuyerReadTheSameVersion_OnlyOnePassesTheLimit()
    {
        var gate = new GatedOpenCheckoutStore(new InMemoryOpenCheckoutStore(), parties: 2);
        var limits = new OpenCheckoutLimits(gate, _shop.Clock);
        var until = _shop.Clock.GetUtcNow().AddMinutes(20);
        for (var i = 0; i < Us.CheckoutsPerSku - 1; i++)
        {
            await limits.OpenAsync("viewer-1", "us", $"chk_{i}", [Item("prd_1", 1)], until, None);
        }

        gate.Arm();
        var outcomes = await Race.RunAsync(["chk_a", "chk_b"], async id =>
        {
            try
            {
                await limits.OpenAsync("viewer-1", "us", id, [Item("prd_1", 1)], until, None);
                return true;
            }
            catch (LiveShopException e) when (e.Kind == ErrorKind.Unprocessable)
            {
                return false;
            }
        });

        Assert.Equal(1, outcomes.Count(o => o));
        var open = await gate.ReadAsync("viewer-1", OpenCheckouts.IdFor("us"), None);
        Assert.Equal(Us.CheckoutsPerSku, open!.Value.Entries.Count);
    }

    [Fact]
    public void PaymentActionTimeoutFor_FlashSaleCheckout_TheMarketsShorterWaitNeverALongerOne()
    {
        var longWait = new CheckoutSettings(TimeSpan.FromMinutes(CheckoutSettings.DefaultPaymentActionMinutes));
        var noWait = new CheckoutSettings(TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromMinutes(Us.FlashSalePaymentActionMinutes), longWait.PaymentActionTimeoutFor("us", flashSale: true));
        Assert.Equal(longWait.PaymentActionTimeout, longWait.PaymentActionTimeoutFor("us", flashSale: false));
        Assert.Equal(TimeSpan.Zero, noWait.PaymentActionTimeoutFor("us", flashSale: true));
    }

    private Task StartAsync(string key, string productId, long quantity) =>
        _service.StartAsync(
            Callers.Viewer(), key, new CheckoutInput("us", "pm_card_authenticationRequired", new BuyNowInput(Shop.MerchantId, productId, "sku-1", quantity, null), null),
            _workflow.Object, None);

    private static CheckoutItem Item(string productId, long quantity) => new(Shop.MerchantId, productId, "sku-1", quantity, null);

    /// <summary>Holds the next reads until <paramref name="parties"/> of them have read, so their writes race on one version.</summary>
    private sealed class GatedOpenCheckoutStore(IOpenCheckoutStore inner, int parties) : IOpenCheckoutStore
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;
        private int _arrived;

        public void Arm() => Volatile.Write(ref _armed, 1);

        public async Task<Versioned<OpenCheckouts>?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken)
        {
            var read = await inner.ReadAsync(partitionKey, id, cancellationToken);
            if (Volatile.Read(ref _armed) == 1 && Interlocked.Increment(ref _arrived) is var arrived && arrived <= parties)
            {
                if (arrived == parties)
                {
                    _open.SetResult();
                }

                await _open.Task;
            }

            return read;
        }

        public Task<IReadOnlyList<Versioned<OpenCheckouts>>> ReadManyAsync(string partitionKey, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
            inner.ReadManyAsync(partitionKey, ids, cancellationToken);

        public Task<string> CreateAsync(OpenCheckouts document, CancellationToken cancellationToken) => inner.CreateAsync(document, cancellationToken);

        public Task<string> ReplaceAsync(OpenCheckouts document, string ifMatch, CancellationToken cancellationToken) =>
            inner.ReplaceAsync(document, ifMatch, cancellationToken);
    }
}

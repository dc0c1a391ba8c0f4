using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.Core.Storage;
using LiveShop.UnitTests.Builders;

namespace LiveShop.UnitTests.Carts;

/// <summary>A guest's cart moving into the signed-in viewer's cart, including merges cut short and retried.</summary>
public class CartMergeTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task MergeAsync_GuestAndViewerLines_QuantitiesAddAndTheGuestCartIsEmptied()
    {
        var shop = new Shop();
        var shared = await shop.CreateProductAsync(input: CartSteps.Product());
        var guestOnly = await shop.CreateProductAsync(input: CartSteps.Product());
        var guest = Guest();
        await shop.AddAsync(Shop.Viewer, shared, 2);
        await shop.AddAsync(guest, shared, 3);
        await shop.AddAsync(guest, guestOnly, 1);

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        Assert.Equal((5L, 1L), (merged.Line(shared).Quantity, merged.Line(guestOnly).Quantity));
        Assert.False(merged.Guest);
        var guestCart = (await shop.CartStore.ReadAsync(guest.Key, "us", None))!.Value;
        Assert.Empty(guestCart.Lines);
        Assert.Null(guestCart.Handover);
    }

    [Fact]
    public async Task MergeAsync_ViewerHasNoCart_TakesTheGuestLines()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        var guest = Guest();
        await shop.AddAsync(guest, product, 3);

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        Assert.Equal(3, merged.Line(product).Quantity);
        Assert.NotNull(merged.Version);
    }

    [Fact]
    public async Task MergeAsync_Twice_AddsNothingTheSecondTime()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        var guest = Guest();
        await shop.AddAsync(Shop.Viewer, product, 1);
        await shop.AddAsync(guest, product, 3);

        var first = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);
        var second = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        Assert.Equal(4, second.Line(product).Quantity);
        Assert.Equal(first.Version, second.Version);
    }

    [Fact]
    public async Task MergeAsync_QuantitiesAddUpBeyond99_CutTo99()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        var guest = Guest();
        await shop.AddAsync(Shop.Viewer, product, 60);
        await shop.AddAsync(guest, product, 60);

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        Assert.Equal(Cart.MaxQuantityPerLine, merged.Line(product).Quantity);
    }

    [Fact]
    public async Task MergeAsync_SaleSku_CutToWhatTheViewerMayStillBuyInTheSale()
    {
        var shop = new Shop();
        var (product, _, sale) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(3));
        var guest = Guest();
        await shop.Carts.RecordPurchaseAsync(Shop.Viewer, "us", "chk_1", [new PurchasedLine(SkuRef.Of(product, product.Sku()), 1, sale.Id)], false, None);
        await shop.AddAsync(Shop.Viewer, product, 1, streamId: sale.StreamId);
        await shop.AddAsync(guest, product, 3, streamId: sale.StreamId);

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        Assert.Equal(2, merged.Line(product).Quantity);
    }

    [Fact]
    public async Task MergeAsync_SaleSkuTheViewerBoughtUpToItsLimit_LineDropped()
    {
        var shop = new Shop();
        var (product, _, sale) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(2));
        var other = await shop.CreateProductAsync(input: CartSteps.Product());
        var guest = Guest();
        await shop.Carts.RecordPurchaseAsync(Shop.Viewer, "us", "chk_2", [new PurchasedLine(SkuRef.Of(product, product.Sku()), 2, sale.Id)], false, None);
        await shop.AddAsync(guest, product, 2, streamId: sale.StreamId);
        await shop.AddAsync(guest, other, 1);

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        var line = Assert.Single(merged.Lines);
        Assert.Equal(other.Id, line.ProductId);
    }

    [Fact]
    public async Task MergeAsync_ViewerBoughtUpToTheSaleLimitAndStillHasALine_KeepsTheViewersLineAndTakesNoGuestUnits()
    {
        var shop = new Shop();
        var (product, _, sale) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(2));
        var guest = Guest();
        await shop.AddAsync(Shop.Viewer, product, 1, streamId: sale.StreamId);
        await shop.Carts.RecordPurchaseAsync(Shop.Viewer, "us", "chk_buy_now", [new PurchasedLine(SkuRef.Of(product, product.Sku()), 2, sale.Id)], false, None);
        await shop.AddAsync(guest, product, 1, streamId: sale.StreamId);

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        Assert.Equal(1, merged.Line(product).Quantity);
    }

    [Fact]
    public async Task MergeAsync_ViewersLineAddedBeforeAnUpcomingSale_KeepsItsQuantityAndTakesNoGuestUnitsPastTheLimit()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product(stock: 50));
        var guest = Guest();
        var stream = await shop.CreateLiveStreamAsync("us", product);
        await shop.AddAsync(Shop.Viewer, product, 3, streamId: stream.Id);
        await shop.CreateSaleAsync(stream, FlashSaleInputBuilder.For(product.Id, shop.Clock.GetUtcNow()).WithPerCustomerLimit(1));
        await shop.AddAsync(guest, product, 1, streamId: stream.Id);

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        var line = merged.Line(product);
        Assert.Equal((3L, "upcoming"), (line.Quantity, line.FlashSale!.State));
    }

    [Fact]
    public async Task MergeAsync_ViewersLineWithinAnUpcomingSaleLimit_GuestUnitsCutToWhatAddingWouldAllow()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product(stock: 50));
        var stream = await shop.CreateLiveStreamAsync("us", product);
        await shop.CreateSaleAsync(stream, FlashSaleInputBuilder.For(product.Id, shop.Clock.GetUtcNow()).WithPerCustomerLimit(3));
        var guest = Guest();
        await shop.AddAsync(Shop.Viewer, product, 1, streamId: stream.Id);
        await shop.AddAsync(guest, product, 3, streamId: stream.Id);

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        Assert.Equal(3, merged.Line(product).Quantity);
        await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.AddAsync(Shop.Viewer, product, 1, streamId: stream.Id));
    }

    [Fact]
    public async Task MergeAsync_GuestLinesToTake_ReadsEachCartOnce()
    {
        var (shop, store) = ScriptedShop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        var guest = Guest();
        await shop.AddAsync(Shop.Viewer, product, 1);
        await shop.AddAsync(guest, product, 2);
        var readsBefore = store.Reads;

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        Assert.Equal(2, store.Reads - readsBefore);
        Assert.Equal(3, merged.Line(product).Quantity);
        Assert.Equal((await shop.CartStore.ReadAsync(Shop.Viewer.Key, "us", None))!.ETag, merged.Version);
        Assert.Null((await shop.CartStore.ReadAsync(guest.Key, "us", None))!.Value.Handover);
    }

    [Fact]
    public async Task MergeAsync_NothingToTake_ReadsEachCartOnce()
    {
        var (shop, store) = ScriptedShop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        var before = (await shop.AddAsync(Shop.Viewer, product, 1)).Stored.ETag;
        var readsBefore = store.Reads;

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, Guest(), "us", None);

        Assert.Equal(2, store.Reads - readsBefore);
        Assert.Equal((1L, before), (merged.Line(product).Quantity, merged.Version));
    }

    [Fact]
    public async Task MergeAsync_ViewersCartChangedRightAfterTheMergeReadIt_KeepsTheChangeAndTakesTheGuestLines()
    {
        var (shop, store) = ScriptedShop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        var other = await shop.CreateProductAsync(input: CartSteps.Product());
        var guest = Guest();
        await shop.AddAsync(Shop.Viewer, product, 1);
        await shop.AddAsync(guest, product, 2);
        store.AfterRead = (Shop.Viewer.Key, async () => await shop.AddAsync(Shop.Viewer, other, 4));

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        Assert.Null(store.AfterRead);
        Assert.Equal((3L, 4L), (merged.Line(product).Quantity, merged.Line(other).Quantity));
        Assert.Equal((await shop.CartStore.ReadAsync(Shop.Viewer.Key, "us", None))!.ETag, merged.Version);
    }

    [Fact]
    public async Task MergeAsync_AnotherDeviceMergedRightAfterTheMergeReadTheCarts_AnswersTheCartAsMerged()
    {
        var (shop, store) = ScriptedShop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        var guest = Guest();
        await shop.AddAsync(Shop.Viewer, product, 1);
        await shop.AddAsync(guest, product, 2);
        store.AfterRead = (Shop.Viewer.Key, async () => await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None));

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        Assert.Null(store.AfterRead);
        Assert.Equal(3, merged.Line(product).Quantity);
        Assert.Equal((await shop.CartStore.ReadAsync(Shop.Viewer.Key, "us", None))!.ETag, merged.Version);
    }

    [Fact]
    public async Task MergeAsync_GuestCartChangedRightAfterTheMergeReadIt_TakesTheChangeToo()
    {
        var (shop, store) = ScriptedShop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        var other = await shop.CreateProductAsync(input: CartSteps.Product());
        var guest = Guest();
        await shop.AddAsync(guest, product, 2);
        store.AfterRead = (guest.Key, async () => await shop.AddAsync(guest, other, 4));

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        Assert.Null(store.AfterRead);
        Assert.Equal((2L, 4L), (merged.Line(product).Quantity, merged.Line(other).Quantity));
        Assert.Empty((await shop.CartStore.ReadAsync(guest.Key, "us", None))!.Value.Lines);
    }

    [Fact]
    public async Task MergeAsync_StoppedAfterTheGuestCartHandedItsLinesOver_RetryFinishesItOnce()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        var guest = Guest();
        await shop.AddAsync(Shop.Viewer, product, 1);
        await shop.AddAsync(guest, product, 3);
        await HandOverAsync(shop, guest, Shop.Viewer.Key);

        var retried = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);
        var again = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        Assert.Equal(4, retried.Line(product).Quantity);
        Assert.Equal(4, again.Line(product).Quantity);
        var guestCart = (await shop.CartStore.ReadAsync(guest.Key, "us", None))!.Value;
        Assert.Null(guestCart.Handover);
        Assert.Empty(guestCart.Lines);
    }

    [Fact]
    public async Task MergeAsync_StoppedAfterTheViewerTookTheLines_RetryAddsNothingAndReleasesTheGuestCart()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        var guest = Guest();
        await shop.AddAsync(guest, product, 3);
        var handover = await HandOverAsync(shop, guest, Shop.Viewer.Key);
        var taken = handover.Lines[0];
        await shop.CartStore.CreateAsync(
            Cart.Empty(Shop.Viewer, "us", shop.Clock.GetUtcNow(), Shop.CartIdleSeconds) with { Lines = [taken], Merges = [$"{guest.Key}@{handover.Id}"] },
            None);

        var retried = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        Assert.Equal(3, retried.Line(product).Quantity);
        Assert.Null((await shop.CartStore.ReadAsync(guest.Key, "us", None))!.Value.Handover);
    }

    [Fact]
    public async Task MergeAsync_StoppedBeforeTheGuestCartLetGoAndAnotherGuestMergedSince_RetryAddsNothingTwice()
    {
        var (shop, failing) = ScriptedShop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product(stock: 50));
        var other = await shop.CreateProductAsync(input: CartSteps.Product(stock: 50));
        var (first, second) = (Guest(), Guest());
        await shop.AddAsync(first, product, 3);
        await shop.AddAsync(second, other, 1);

        // The first guest's merge stops after the viewer's cart took its lines, before the guest cart let them go.
        failing.FailReleaseOf = first.Key;
        await Assert.ThrowsAsync<IOException>(() => shop.Carts.MergeAsync(Shop.Viewer, first, "us", None));
        failing.FailReleaseOf = null;
        await shop.Carts.MergeAsync(Shop.Viewer, second, "us", None);
        var retried = await shop.Carts.MergeAsync(Shop.Viewer, first, "us", None);

        Assert.Equal((3L, 1L), (retried.Line(product).Quantity, retried.Line(other).Quantity));
        Assert.Null((await shop.CartStore.ReadAsync(first.Key, "us", None))!.Value.Handover);
    }

    [Fact]
    public async Task MergeAsync_SameGuestMergesAgainLater_TakesItsNewLines()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product(stock: 50));
        var guest = Guest();
        await shop.AddAsync(guest, product, 3);
        await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);
        await shop.AddAsync(guest, product, 2);

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        Assert.Equal(5, merged.Line(product).Quantity);
    }

    [Fact]
    public void MergesWith_ManyGuests_RemembersOneHandoverPerGuestAndDropsTheOldestGuestFirst()
    {
        var cart = Cart.Empty(Shop.Viewer, "us", DateTimeOffset.UnixEpoch, Shop.CartIdleSeconds);
        var guests = Enumerable.Range(0, Cart.MaxMergesRemembered + 1).Select(i => $"g:{i}").ToList();

        cart = cart with { Merges = cart.MergesWith(guests[0], "ho_1") };
        cart = cart with { Merges = cart.MergesWith(guests[0], "ho_2") };
        var afterOne = cart;
        foreach (var guest in guests.Skip(1))
        {
            cart = cart with { Merges = cart.MergesWith(guest, "ho_3") };
        }

        Assert.Equal((false, true), (afterOne.Took(guests[0], "ho_1"), afterOne.Took(guests[0], "ho_2")));
        Assert.Equal(Cart.MaxMergesRemembered, cart.Merges!.Count);
        Assert.False(cart.Took(guests[0], "ho_2"));
        Assert.All(guests.Skip(1), g => Assert.True(cart.Took(g, "ho_3")));
    }

    [Fact]
    public async Task MergeAsync_GuestCartHandedOverToAnotherViewer_TakesNothing()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        var guest = Guest();
        await shop.AddAsync(guest, product, 3);
        await HandOverAsync(shop, guest, "u:someone-else");

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        Assert.Empty(merged.Lines);
        Assert.Equal("u:someone-else", (await shop.CartStore.ReadAsync(guest.Key, "us", None))!.Value.Handover!.To);
    }

    [Fact]
    public async Task MergeAsync_NoGuestCart_ReturnsTheViewersCartUnchanged()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());
        var before = (await shop.AddAsync(Shop.Viewer, product, 2)).Stored.ETag;

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, Guest(), "us", None);

        Assert.Equal(2, merged.Line(product).Quantity);
        Assert.Equal(before, merged.Version);
    }

    [Fact]
    public async Task MergeAsync_GuestCartOfAnotherMarket_LeftAlone()
    {
        var shop = new Shop();
        var british = await shop.CreateProductAsync(input: CartSteps.Product(market: "uk"));
        var guest = Guest();
        await shop.AddAsync(guest, british, 1);

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        Assert.Empty(merged.Lines);
        Assert.Single((await shop.CartAsync(guest, "uk")).Lines);
    }

    [Fact]
    public async Task MergeAsync_OwnersTheWrongWayRound_Refused()
    {
        var shop = new Shop();

        await Assert.ThrowsAsync<ArgumentException>(() => shop.Carts.MergeAsync(Guest(), Shop.Viewer, "us", None));
        await Assert.ThrowsAsync<ArgumentException>(() => shop.Carts.MergeAsync(Shop.Viewer, Shop.Viewer, "us", None));
    }

    private static CartOwner Guest() => CartOwner.ForGuest(CartOwner.NewGuestToken());

    private static (Shop Shop, ScriptedCartStore Store) ScriptedShop()
    {
        ScriptedCartStore? store = null;
        var shop = new Shop(wrapCarts: inner => store = new ScriptedCartStore(inner));
        return (shop, store!);
    }

    /// <summary>A cart store that counts reads, can act right after reading a cart, and can fail the write letting a guest's handover go.</summary>
    private sealed class ScriptedCartStore(ICartStore inner) : ICartStore
    {
        public int Reads { get; private set; }

        /// <summary>While set, the write letting this owner's handover go (step 3 of a merge) fails.</summary>
        public string? FailReleaseOf { get; set; }

        /// <summary>Runs once, after the next read of this owner's cart and before the read answers (so the answer is stale).</summary>
        public (string OwnerKey, Func<Task> Act)? AfterRead { get; set; }

        public async Task<Versioned<Cart>?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken)
        {
            Reads++;
            var read = await inner.ReadAsync(partitionKey, id, cancellationToken);
            if (AfterRead is { } after && after.OwnerKey == partitionKey)
            {
                AfterRead = null;
                await after.Act();
            }

            return read;
        }

        public Task<IReadOnlyList<Versioned<Cart>>> ReadManyAsync(string partitionKey, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
            inner.ReadManyAsync(partitionKey, ids, cancellationToken);

        public Task<string> CreateAsync(Cart document, CancellationToken cancellationToken) => inner.CreateAsync(document, cancellationToken);

        public Task<string> ReplaceAsync(Cart document, string ifMatch, CancellationToken cancellationToken) =>
            document.OwnerKey == FailReleaseOf && document.Handover is null
                ? throw new IOException("The connection dropped.")
                : inner.ReplaceAsync(document, ifMatch, cancellationToken);
    }

    /// <summary>Does what the first step of a merge does, as if the merge stopped right after it.</summary>
    private static async Task<CartHandover> HandOverAsync(Shop shop, CartOwner guest, string to)
    {
        var stored = (await shop.CartStore.ReadAsync(guest.Key, "us", None))!;
        var handover = new CartHandover(Ids.New("ho", shop.Clock), to, stored.Value.Lines);
        await shop.CartStore.ReplaceAsync(stored.Value with { Handover = handover, Lines = [] }, stored.ETag, None);
        return handover;
    }
}

using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.UnitTests.Builders;

namespace LiveShop.UnitTests.Carts;

/// <summary>
/// A LIVE flash sale is stream-only: its deal price and per-customer limit apply to a cart line only while the line is
/// from the sale's stream. A line is from the stream its latest add named (an add naming none keeps the line's stream).
/// </summary>
public class StreamOnlySaleCartTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [InlineData(null)]
    [InlineData("str_other")]
    public async Task AddAsync_ActiveSaleFromNoStreamOrAnotherStream_RegularPriceAndNoSaleLimit(string? streamId)
    {
        var shop = new Shop();
        var (product, _, _) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(2));

        await shop.AddAsync(Shop.Viewer, product, 5, streamId: streamId);

        var cart = await shop.CartAsync(Shop.Viewer);
        var line = cart.Line(product);
        Assert.Equal((5L, streamId), (line.Quantity, line.StreamId));
        Assert.Equal((1999L, 1999L, 0L), (line.AddedUnitPrice.MinorUnits, line.UnitPrice!.MinorUnits, line.Discount!.MinorUnits));
        Assert.Null(line.FlashSale);
        Assert.Equal((9995L, 0L), (cart.Totals.Total.MinorUnits, cart.Totals.Discount.MinorUnits));
    }

    [Fact]
    public async Task AddAsync_FromTheSalesStream_DealPriceAndTheSalesLimit()
    {
        var shop = new Shop();
        var (product, stream, sale) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(2));

        await shop.AddAsync(Shop.Viewer, product, 2, streamId: stream.Id);
        var error = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.AddAsync(Shop.Viewer, product, 1, streamId: stream.Id));

        Assert.Equal("Flash-sale limit", error.Title);
        var line = (await shop.CartAsync(Shop.Viewer)).Line(product);
        Assert.Equal((2L, 999L), (line.Quantity, line.UnitPrice!.MinorUnits));
        Assert.Equal((sale.Id, true), (line.FlashSale!.SaleId, line.FlashSale.Applied));
    }

    [Fact]
    public async Task AddAsync_LaterAddFromTheSalesStream_MovesTheLineToItsStreamAndDeal()
    {
        var shop = new Shop();
        var (product, stream, sale) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(2));
        await shop.AddAsync(Shop.Viewer, product, 1);

        var change = await shop.AddAsync(Shop.Viewer, product, 1, streamId: stream.Id);

        Assert.Equal((2L, stream.Id), (change.Line!.Quantity, change.Line.StreamId));
        var line = (await shop.CartAsync(Shop.Viewer)).Line(product);
        Assert.Equal((999L, stream.Id), (line.UnitPrice!.MinorUnits, line.StreamId));
        Assert.Equal((sale.Id, true), (line.FlashSale!.SaleId, line.FlashSale.Applied));
    }

    [Fact]
    public async Task AddAsync_LaterAddFromTheSalesStreamPastItsLimit_RefusedAndTheLineStaysARegularOne()
    {
        var shop = new Shop();
        var (product, stream, _) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(2));
        await shop.AddAsync(Shop.Viewer, product, 3);

        var error = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.AddAsync(Shop.Viewer, product, 1, streamId: stream.Id));

        Assert.Equal("Flash-sale limit", error.Title);
        var line = (await shop.CartAsync(Shop.Viewer)).Line(product);
        Assert.Equal((3L, null, 1999L), (line.Quantity, line.StreamId, line.UnitPrice!.MinorUnits));
        Assert.Null(line.FlashSale);
    }

    [Fact]
    public async Task AddAsync_LaterAddNamingNoStream_KeepsTheLinesStreamAndItsSalesLimit()
    {
        var shop = new Shop();
        var (product, stream, _) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(3));
        await shop.AddAsync(Shop.Viewer, product, 2, streamId: stream.Id);

        var change = await shop.AddAsync(Shop.Viewer, product, 1);
        await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.AddAsync(Shop.Viewer, product, 1));

        Assert.Equal((3L, stream.Id), (change.Line!.Quantity, change.Line.StreamId));
        var line = (await shop.CartAsync(Shop.Viewer)).Line(product);
        Assert.Equal((3L, 999L, true), (line.Quantity, line.UnitPrice!.MinorUnits, line.FlashSale!.Applied));
    }

    [Fact]
    public async Task AddAsync_LaterAddFromAnotherStream_MovesTheLineOutOfTheSale()
    {
        var shop = new Shop();
        var (product, stream, _) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(2));
        await shop.AddAsync(Shop.Viewer, product, 2, streamId: stream.Id);

        await shop.AddAsync(Shop.Viewer, product, 2, streamId: "str_other");

        var line = (await shop.CartAsync(Shop.Viewer)).Line(product);
        Assert.Equal((4L, "str_other", 1999L), (line.Quantity, line.StreamId, line.UnitPrice!.MinorUnits));
        Assert.Null(line.FlashSale);
    }

    [Fact]
    public async Task SetQuantityAsync_LineFromNoStream_NotHeldToTheSalesLimit()
    {
        var shop = new Shop();
        var (product, _, _) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(2));
        await shop.AddAsync(Shop.Viewer, product, 1);

        var changed = await shop.Carts.SetQuantityAsync(Shop.Viewer, "us", CartSteps.LineId(product), new CartQuantityInput(5), null, None);

        Assert.Equal(5, changed.Line!.Quantity);
    }

    [Fact]
    public async Task GetAsync_ViewerBoughtUpToTheSalesLimit_ALineFromNoStreamIsARegularOne()
    {
        var shop = new Shop();
        var (product, _, sale) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(2));
        await shop.Carts.RecordPurchaseAsync(Shop.Viewer, "us", "chk_1", [new PurchasedLine(SkuRef.Of(product, product.Sku()), 2, sale.Id)], false, None);

        await shop.AddAsync(Shop.Viewer, product, 4);

        var line = (await shop.CartAsync(Shop.Viewer)).Line(product);
        Assert.Equal((4L, 1999L), (line.Quantity, line.UnitPrice!.MinorUnits));
        Assert.Null(line.FlashSale);
    }

    [Fact]
    public async Task MergeAsync_GuestLineFromNoStream_NotCutToTheSalesLimit()
    {
        var shop = new Shop();
        var (product, _, sale) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(2));
        var guest = CartOwner.ForGuest(CartOwner.NewGuestToken());
        await shop.Carts.RecordPurchaseAsync(Shop.Viewer, "us", "chk_1", [new PurchasedLine(SkuRef.Of(product, product.Sku()), 2, sale.Id)], false, None);
        await shop.AddAsync(guest, product, 3);

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        var line = merged.Line(product);
        Assert.Equal((3L, null, 1999L), (line.Quantity, line.StreamId, line.UnitPrice!.MinorUnits));
    }

    [Fact]
    public async Task MergeAsync_GuestLineFromTheSalesStream_MovesTheViewersLineToItWithinTheLimit()
    {
        var shop = new Shop();
        var (product, stream, _) = await shop.ActiveSaleAsync(CartSteps.Product(stock: 50), s => s.WithPerCustomerLimit(3));
        var guest = CartOwner.ForGuest(CartOwner.NewGuestToken());
        await shop.AddAsync(Shop.Viewer, product, 1);
        await shop.AddAsync(guest, product, 3, streamId: stream.Id);

        var merged = await shop.Carts.MergeAsync(Shop.Viewer, guest, "us", None);

        var line = merged.Line(product);
        Assert.Equal((3L, stream.Id, 999L), (line.Quantity, line.StreamId, line.UnitPrice!.MinorUnits));
        Assert.True(line.FlashSale!.Applied);
    }
}

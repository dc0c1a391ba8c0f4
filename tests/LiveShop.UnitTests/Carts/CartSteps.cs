using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.UnitTests.Builders;

namespace LiveShop.UnitTests.Carts;

/// <summary>Cart calls the tests repeat, as a shopper of market us (unless told otherwise) without If-Match.</summary>
internal static class CartSteps
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Adds the SKU from <paramref name="streamId"/> (null: from no stream, so no flash sale applies: sales are stream-only).</summary>
    public static Task<CartChange> AddAsync(
        this Shop shop, CartOwner owner, Product product, long? quantity = 1, string skuId = "sku-1", string? market = null, string? streamId = null) =>
        shop.Carts.AddAsync(owner, market ?? product.Market, new AddCartLineInput(product.MerchantId, product.Id, skuId, quantity, streamId), null, None);

    public static Task<CartView> CartAsync(this Shop shop, CartOwner owner, string market = "us") => shop.Carts.GetAsync(owner, market, None);

    public static CartLineView Line(this CartView cart, Product product, string skuId = "sku-1") =>
        Assert.Single(cart.Lines, l => l.ProductId == product.Id && l.SkuId == skuId);

    public static string LineId(Product product, string skuId = "sku-1") => CartLine.IdFor(new SkuRef(product.MerchantId, product.Id, skuId));

    /// <summary>A product of market us with one SKU "sku-1" at 1,999 cents and the given stock.</summary>
    public static ProductInputBuilder Product(string market = "us", long price = 1999, long stock = 5) =>
        ProductInputBuilder.For(market).WithSku("sku-1", price, stockOnHand: stock);
}

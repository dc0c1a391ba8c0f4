using LiveShop.UnitTests.Builders;

namespace LiveShop.UnitTests.Catalog;

/// <summary>A LIVE flash sale is stream-only: a buyer sees a SKU's sale only when buying from the sale's stream.</summary>
public class ProductSaleLookupTests
{
    private static readonly DateTimeOffset Now = Records.Now;

    [Fact]
    public void OpenSaleIn_TheSalesStream_TheSale()
    {
        var product = Records.NewProduct();
        var sale = Records.NewSale(product, 1499, Now.AddSeconds(-10));

        Assert.Equal(sale, product.WithSales(sale).OpenSaleIn("sku-1", Records.StreamId, Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("str_other")]
    public void OpenSaleIn_NoStreamOrAnotherStream_NoneWhileTheSkusSaleRuns(string? streamId)
    {
        var product = Records.NewProduct();
        var sale = Records.NewSale(product, 1499, Now.AddSeconds(-10));
        product = product.WithSales(sale);

        Assert.Equal(sale, product.OpenSale("sku-1", Now));
        Assert.Null(product.OpenSaleIn("sku-1", streamId, Now));
    }

    [Fact]
    public void OpenSaleIn_ActiveSaleInOneStreamAndTheNextOneInAnother_EachStreamSeesItsOwn()
    {
        var product = Records.NewProduct();
        var active = Records.NewSale(product, 1499, Now.AddSeconds(-60), seconds: 120, id: "fls_now");
        var next = Records.NewSale(product, 1299, active.EndsAt, id: "fls_next") with { StreamId = "str_2" };
        product = product.WithSales(active, next);

        Assert.Equal(active, product.OpenSaleIn("sku-1", Records.StreamId, Now));
        Assert.Equal(next, product.OpenSaleIn("sku-1", "str_2", Now));
        Assert.Equal(active, product.OpenSale("sku-1", Now));
    }

    [Fact]
    public void OpenSaleIn_TheStreamsSaleEnded_None()
    {
        var product = Records.NewProduct();
        var sale = Records.NewSale(product, 1499, Now.AddSeconds(-600));

        Assert.Null(product.WithSales(sale).OpenSaleIn("sku-1", Records.StreamId, Now));
    }
}

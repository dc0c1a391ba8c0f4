using LiveShop.Core.Storage;
using LiveShop.UnitTests.Builders;

namespace LiveShop.UnitTests.Carts;

/// <summary>Writers racing on one cart (two devices, double taps): every change is ETag-conditional and re-applied on a lost race.</summary>
public class CartConcurrencyTests
{
    /// <summary>
    /// Each lost race means another writer's change landed, so with at most <see cref="Optimistic.MaxAttempts"/> writers
    /// every change is guaranteed to land (more could exhaust a writer's attempts and answer 503, as designed).
    /// </summary>
    private const int Writers = Optimistic.MaxAttempts;

    [Fact]
    public async Task AddAsync_ConcurrentAddsOfDifferentSkus_EveryLineInTheCart()
    {
        var shop = new Shop();

        await AddDifferentSkusAtOnceAndAssertAllThereAsync(shop);
    }

    [Fact]
    public async Task AddAsync_ConcurrentAddsOfDifferentSkusOverALatentStore_EveryLineInTheCart()
    {
        // Every writer reads the cart once before its first write; the gate holds those writes until all have read,
        // so all but one lose the first round, whatever the scheduler does.
        LatentCartStore? latent = null;
        var shop = new Shop(wrapCarts: inner => latent = new LatentCartStore(inner, new RaceGate(Writers)));

        await AddDifferentSkusAtOnceAndAssertAllThereAsync(shop);

        Assert.True(latent!.Conflicts >= Writers - 1, $"All but one writer lose the first round; {latent.Conflicts} conflicts.");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AddAsync_ConcurrentAddsOfTheSameSku_EveryUnitCounted(bool latent)
    {
        var shop = latent ? new Shop(wrapCarts: inner => new LatentCartStore(inner)) : new Shop();
        var product = await shop.CreateProductAsync(input: CartSteps.Product());

        await Race.RunAsync(Enumerable.Range(0, Writers), _ => shop.AddAsync(Shop.Viewer, product, 2));

        Assert.Equal(2 * Writers, (await shop.CartAsync(Shop.Viewer)).Line(product).Quantity);
    }

    private static async Task AddDifferentSkusAtOnceAndAssertAllThereAsync(Shop shop)
    {
        var product = await shop.CreateProductAsync(input: new ProductInputBuilder().WithSkus(Writers));
        var skus = product.Skus.Select(s => s.Id).ToList();

        await Race.RunAsync(skus, sku => shop.AddAsync(Shop.Viewer, product, 1, sku));

        var cart = await shop.CartAsync(Shop.Viewer);
        Assert.Equal(skus.Order(StringComparer.Ordinal), cart.Lines.Select(l => l.SkuId).Order(StringComparer.Ordinal));
        Assert.All(cart.Lines, l => Assert.Equal(1, l.Quantity));
    }
}

using LiveShop.Core.Catalog;
using LiveShop.Core.Identity;
using LiveShop.Core.Live;
using LiveShop.Core.Sales;
using LiveShop.Core.Streams;

namespace LiveShop.LocalRunner;

/// <summary>
/// Seeds the in-memory store through the app's own services: a demo merchant, its products, a live stream with the first
/// product pinned (so a newcomer sees a pin card at once) and a flash sale on it.
/// </summary>
public static class DemoData
{
    public const string MerchantId = "demo-merchant";
    public const string ViewerId = "demo-viewer";

    /// <summary>Who the pages' development sign-in offers: the demo merchant and a few demo viewers.</summary>
    public static IReadOnlyList<DevIdentity> Identities { get; } =
    [
        new("Demo merchant (host)", "merchant", "demo-merchant-user", MerchantId),
        new("Ana (viewer)", "viewer", ViewerId, null),
        new("Ben (viewer)", "viewer", "demo-viewer-ben", null),
        new("Chen (viewer)", "viewer", "demo-viewer-chen", null),
    ];

    /// <summary>How long after the runner starts the demo flash sale begins (its countdown).</summary>
    public static readonly TimeSpan SaleCountdown = TimeSpan.FromSeconds(60);

    public static async Task<string> SeedAsync(CatalogService catalog, StreamService streams, FlashSaleService sales, ISaleScheduler scheduler, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sales);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(clock);
        var merchant = new Caller("demo-merchant-user", Role.Merchant, MerchantId);
        var products = new List<Product>();
        string[] colours = ["Black", "White", "Rose"];
        for (var i = 0; i < 6; i++)
        {
            var input = new ProductInput(
                "us",
                $"Demo product {i + 1}",
                "A product the local runner seeds so there is something to look at.",
                [$"https://images.example.com/demo/{i + 1}.jpg"],
                colours.Select((colour, c) => new SkuInput(
                    $"demo-{i + 1}-{colour.ToLowerInvariant()}",
                    new Dictionary<string, string> { ["colour"] = colour },
                    new MoneyInput(1999 + (i * 500) + (c * 100), "USD"),
                    50 + (i * 10))).ToList());
            products.Add((await catalog.CreateAsync(merchant, MerchantId, input, ct)).Value);
        }

        var productIds = products.Select(p => p.Id).ToList();

        var stream = await streams.CreateAsync(
            merchant,
            new StreamInput("us", "Demo live: spring drop", clock.GetUtcNow().AddMinutes(1), "https://video.example.com/live/demo.m3u8"),
            ct);
        await streams.ReplaceShowcaseAsync(merchant, stream.Value.Id, new ShowcaseInput(productIds), stream.ETag, ct);
        await streams.StartAsync(merchant, stream.Value.Id, null, ct);
        await streams.PinAsync(merchant, stream.Value.Id, new PinInput(products[0].Id, products[0].Skus[0].Id), null, ct);

        // A flash sale on the first product's first SKU: 20% off, 30 units, 2 per customer, for 20 minutes.
        await sales.CreateAsync(
            merchant,
            stream.Value.Id,
            new FlashSaleInput(products[0].Id, products[0].Skus[0].Id, new MoneyInput(1599, "USD"), 30, 2, clock.GetUtcNow() + SaleCountdown, 1200),
            scheduler,
            ct);
        return stream.Value.Id;
    }
}

/// <summary>A development identity the pages' sign-in picker offers (POST /dev/token issues its token).</summary>
public sealed record DevIdentity(string Label, string Role, string Subject, string? MerchantId);

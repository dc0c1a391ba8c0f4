using System.Globalization;
using System.Text.Json.Serialization;
using LiveShop.Core.Errors;
using LiveShop.Core.Markets;
using LiveShop.Core.Storage;

namespace LiveShop.Core.Checkout;

/// <summary>
/// A buyer's open (not yet paid or rejected) checkouts in one market and the units each has: stored in the claims
/// container (partition key: buyerId; id "open_" + market). It is what the market's <see cref="CheckoutLimits"/> are
/// counted on, and every change is written under its ETag, so two checkouts of one buyer started at once cannot both
/// pass a limit: the second writer's write fails, it reads the first's entry and counts it.
/// </summary>
public sealed record OpenCheckouts(string Id, string BuyerId, IReadOnlyDictionary<string, OpenCheckout> Entries) : IDocument
{
    [JsonIgnore]
    public string PartitionKey => BuyerId;

    /// <summary>The document of a buyer's open checkouts in a market.</summary>
    public static string IdFor(string market) => "open_" + market;

    /// <summary>The entries that still count at <paramref name="now"/> (an entry past its expiry belongs to a checkout that must have ended).</summary>
    public IEnumerable<KeyValuePair<string, OpenCheckout>> Live(DateTimeOffset now) => Entries.Where(e => e.Value.Until > now);
}

/// <summary>One open checkout: its units by SKU ("productId/skuId"), and when it ends at the latest.</summary>
/// <param name="Until">Past this the checkout has ended (its payment wait and stock holds are over), even if its end was not recorded.</param>
public sealed record OpenCheckout(IReadOnlyDictionary<string, long> Units, DateTimeOffset Until);

/// <summary>Buyers' open checkouts, partitioned by buyer (the claims container).</summary>
public interface IOpenCheckoutStore : IDocumentStore<OpenCheckouts>;

/// <summary>
/// Keeps what one buyer holds in open checkouts within the market's <see cref="CheckoutLimits"/>: a checkout is
/// entered before it starts (refused with 422, before anything is reserved, when it would pass a limit) and removed
/// when it is paid or rejected. Both are conditional writes of the buyer's <see cref="OpenCheckouts"/> and safe to repeat.
/// </summary>
public sealed class OpenCheckoutLimits(IOpenCheckoutStore store, TimeProvider clock)
{
    /// <summary>
    /// Enters the checkout unless it would pass a limit (then 422 naming the limit, and nothing is written). Its entry
    /// counts until <paramref name="until"/> at most. Repeating it for the same checkout changes nothing.
    /// </summary>
    public async Task OpenAsync(string buyerId, string market, string checkoutId, IReadOnlyCollection<CheckoutItem> items, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        var limits = MarketRegistry.Get(market).CheckoutLimits;
        var units = items.GroupBy(SkuKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(i => i.Quantity), StringComparer.Ordinal);
        await UpdateAsync(buyerId, market, open =>
        {
            if (open.Entries.ContainsKey(checkoutId))
            {
                return null;
            }

            var now = clock.GetUtcNow();
            var live = open.Live(now).ToList();
            Refuse(live.Count + 1 > limits.CheckoutsTotal, $"You have {live.Count} unpaid checkouts in market '{market}'; at most {limits.CheckoutsTotal} may be open at once. Complete or cancel one first.");
            var total = live.Sum(e => e.Value.Units.Values.Sum()) + units.Values.Sum();
            Refuse(total > limits.UnitsTotal, $"This checkout would make {total} units in your unpaid checkouts in market '{market}'; at most {limits.UnitsTotal} may be held at once.");
            foreach (var (sku, quantity) in units)
            {
                var with = live.Where(e => e.Value.Units.ContainsKey(sku)).ToList();
                Refuse(with.Count + 1 > limits.CheckoutsPerSku, $"You have {with.Count} unpaid checkouts of SKU '{SkuId(sku)}'; at most {limits.CheckoutsPerSku} may be open at once. Complete or cancel one first.");
                var held = with.Sum(e => e.Value.Units[sku]) + quantity;
                Refuse(held > limits.UnitsPerSku, $"This checkout would make {held} units of SKU '{SkuId(sku)}' in your unpaid checkouts; at most {limits.UnitsPerSku} may be held at once.");
            }

            // Entries past their expiry are dropped as this one is added, so the document stays as small as the limits.
            var entries = live.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
            entries[checkoutId] = new OpenCheckout(units, until);
            return open with { Entries = entries };
        }, ct);
    }

    /// <summary>The checkout ended (paid or rejected): its units count no more. Safe to repeat.</summary>
    public Task CloseAsync(string buyerId, string market, string checkoutId, CancellationToken ct) =>
        UpdateAsync(buyerId, market, open => open.Entries.ContainsKey(checkoutId)
            ? open with { Entries = open.Entries.Where(e => e.Key != checkoutId).ToDictionary(StringComparer.Ordinal) }
            : null, ct);

    private Task UpdateAsync(string buyerId, string market, Func<OpenCheckouts, OpenCheckouts?> change, CancellationToken ct) =>
        Optimistic.UpsertAsync(
            () => store.ReadAsync(buyerId, OpenCheckouts.IdFor(market), ct),
            () => new OpenCheckouts(OpenCheckouts.IdFor(market), buyerId, new Dictionary<string, OpenCheckout>()),
            change,
            store,
            null,
            $"Open checkouts of buyer in market '{market}'",
            ct);

    private static string SkuKey(CheckoutItem item) => string.Create(CultureInfo.InvariantCulture, $"{item.ProductId}/{item.SkuId}");

    private static string SkuId(string key) => key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..];

    private static void Refuse(bool passes, string detail)
    {
        if (passes)
        {
            throw LiveShopException.Unprocessable("Checkout limit reached", detail);
        }
    }
}

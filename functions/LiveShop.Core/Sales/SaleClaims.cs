using LiveShop.Core.Storage;

namespace LiveShop.Core.Sales;

/// <summary>
/// The per-customer limit of flash sales, kept with conditional writes on the buyer's claim of each sale (no
/// read-then-write race: two checkouts of one buyer that together pass the limit cannot both claim). Every method is
/// safe to repeat for the same checkout.
/// </summary>
public sealed class SaleClaims(ISaleClaimStore claims)
{
    /// <summary>Claims <paramref name="quantity"/> units for the checkout; false when the buyer would pass <paramref name="limit"/>.</summary>
    public async Task<bool> TryClaimAsync(string buyerId, string saleId, string checkoutId, long quantity, int limit, CancellationToken ct)
    {
        var claimed = true;
        await UpdateAsync(buyerId, saleId, claim =>
        {
            if (claim.Entries.TryGetValue(checkoutId, out var entry))
            {
                claimed = entry.State != ClaimState.Released;
                return null;
            }

            claimed = claim.Taken + quantity <= limit;
            return claimed ? claim with { Entries = With(claim, checkoutId, new ClaimEntry(quantity, ClaimState.Held)) } : null;
        }, ct);
        return claimed;
    }

    /// <summary>The checkout was paid: its held units are bought.</summary>
    public Task MarkBoughtAsync(string buyerId, string saleId, string checkoutId, CancellationToken ct) =>
        UpdateAsync(buyerId, saleId, claim =>
            claim.Entries.TryGetValue(checkoutId, out var entry) && entry.State == ClaimState.Held
                ? claim with { Entries = With(claim, checkoutId, entry with { State = ClaimState.Bought }) }
                : null, ct);

    /// <summary>The checkout failed: its held units count no more.</summary>
    public Task ReleaseAsync(string buyerId, string saleId, string checkoutId, CancellationToken ct) =>
        UpdateAsync(buyerId, saleId, claim =>
            claim.Entries.TryGetValue(checkoutId, out var entry) && entry.State == ClaimState.Held
                ? claim with { Entries = With(claim, checkoutId, entry with { State = ClaimState.Released }) }
                : null, ct);

    /// <summary>Units of each sale the buyer holds in running checkouts or bought.</summary>
    public async Task<IReadOnlyDictionary<string, long>> TakenAsync(string buyerId, IReadOnlyCollection<string> saleIds, CancellationToken ct)
    {
        if (saleIds.Count == 0)
        {
            return new Dictionary<string, long>();
        }

        return (await claims.ReadManyAsync(buyerId, saleIds, ct)).ToDictionary(c => c.Value.SaleId, c => c.Value.Taken, StringComparer.Ordinal);
    }

    private Task UpdateAsync(string buyerId, string saleId, Func<SaleClaim, SaleClaim?> change, CancellationToken ct) =>
        Optimistic.UpsertAsync(
            () => claims.ReadAsync(buyerId, saleId, ct),
            () => new SaleClaim(saleId, buyerId, new Dictionary<string, ClaimEntry>()),
            change,
            claims,
            null,
            $"Claim of sale '{saleId}'",
            ct);

    private static Dictionary<string, ClaimEntry> With(SaleClaim claim, string checkoutId, ClaimEntry entry) =>
        new(claim.Entries) { [checkoutId] = entry };
}

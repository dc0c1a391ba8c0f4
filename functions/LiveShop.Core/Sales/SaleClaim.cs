using System.Text.Json.Serialization;
using LiveShop.Core.Storage;

namespace LiveShop.Core.Sales;

/// <summary>
/// What one buyer has taken of one flash sale: an entry per checkout, held while it runs, bought once paid. Stored in
/// the claims container (partition key: buyerId; id: the sale id). A claim is written, under its ETag, before the
/// checkout reserves stock and given back if the checkout fails, so a buyer never holds more than the per-customer
/// limit, however many checkouts they run at once.
/// </summary>
public sealed record SaleClaim(string Id, string BuyerId, IReadOnlyDictionary<string, ClaimEntry> Entries) : IDocument
{
    [JsonIgnore]
    public string PartitionKey => BuyerId;

    [JsonIgnore]
    public string SaleId => Id;

    /// <summary>Units held by running checkouts or bought.</summary>
    [JsonIgnore]
    public long Taken => Entries.Values.Where(e => e.State != ClaimState.Released).Sum(e => e.Quantity);

    /// <summary>Units bought (paid).</summary>
    [JsonIgnore]
    public long Bought => Entries.Values.Where(e => e.State == ClaimState.Bought).Sum(e => e.Quantity);
}

public sealed record ClaimEntry(long Quantity, ClaimState State);

public enum ClaimState
{
    Held,
    Bought,
    Released,
}

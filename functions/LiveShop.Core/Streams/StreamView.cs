using LiveShop.Core.Catalog;
using LiveShop.Core.Storage;

namespace LiveShop.Core.Streams;

/// <summary>
/// What a viewer loads when joining a stream: the stream and its showcase products, in showcase order.
/// <see cref="Version"/> is the stream's stored ETag: the value a merchant sends as If-Match to change the stream
/// (the response's own ETag is of the whole view, products included, for caching).
/// </summary>
public sealed record StreamView(
    string Id,
    string Version,
    string MerchantId,
    string Market,
    string Title,
    string Status,
    DateTimeOffset ScheduledStart,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    string PlaybackUrl,
    IReadOnlyList<ProductView> Showcase,
    StreamPinView? Pin,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Builds the view; products that are missing or archived are left out of the showcase.</summary>
    public static StreamView From(Versioned<LiveStream> stored, IEnumerable<Product> products)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var stream = stored.Value;
        var byId = products.Where(p => !p.IsArchived).ToDictionary(p => p.Id, StringComparer.Ordinal);
        var showcase = stream.Showcase
            .Select(id => byId.GetValueOrDefault(id))
            .OfType<Product>()
            .Select(ProductView.From)
            .ToList();
        return new(
            stream.Id,
            stored.ETag,
            stream.MerchantId,
            stream.Market,
            stream.Title,
            stream.Status.ToString().ToLowerInvariant(),
            stream.ScheduledStart,
            stream.StartedAt,
            stream.EndedAt,
            stream.PlaybackUrl,
            showcase,
            stream.Pin is { } pin ? new StreamPinView(pin.ProductId, pin.SkuId, pin.PinnedAt, stream.LastPinEvent?.Revision ?? 0) : null,
            stream.UpdatedAt);
    }
}

/// <summary>The pinned product (its details are in the showcase), the SKU its card shows (null: the first), and the pin's revision.</summary>
public sealed record StreamPinView(string ProductId, string? SkuId, DateTimeOffset PinnedAt, long Revision);

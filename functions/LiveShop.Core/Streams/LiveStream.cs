using System.Text.Json.Serialization;
using LiveShop.Core.Errors;
using LiveShop.Core.Storage;

namespace LiveShop.Core.Streams;

/// <summary>
/// A merchant's live stream in one market, stored in the streams container (partition key: id, so the
/// viewers' hot read is a point read). The showcase is the ordered list of the merchant's product ids.
/// </summary>
public sealed record LiveStream(
    string Id,
    string MerchantId,
    string Market,
    string Title,
    DateTimeOffset ScheduledStart,
    string PlaybackUrl,
    StreamStatus Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<string> Showcase,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt) : IDocument, Events.IHasOutbox
{
    public const int MaxShowcase = 100;

    [JsonIgnore]
    public string PartitionKey => Id;

    /// <summary>The domain events its recent changes raised (written with them; see <see cref="Events.EventOutbox"/>).</summary>
    public Events.EventOutbox? Outbox { get; init; }

    /// <summary>The product pinned now (TikTok's pin card), or null.</summary>
    public StreamPin? Pin { get; init; }

    /// <summary>
    /// The last pin or unpin, numbered: the pin history's newest entry, written with the stream under its ETag, so the
    /// history (kept in the live store) can always be completed from the stream (<see cref="PinEvent.Revision"/>).
    /// </summary>
    public PinEvent? LastPinEvent { get; init; }

    /// <summary>Pins a product of the showcase (replacing any pin) while the stream is live; this same stream when it is pinned already.</summary>
    public LiveStream Pinned(string productId, string? skuId, DateTimeOffset now)
    {
        if (Status != StreamStatus.Live)
        {
            throw LiveShopException.Conflict("Stream not live", $"Products are pinned in live streams; stream '{Id}' is {Status.ToString().ToLowerInvariant()}.");
        }

        if (!Showcase.Contains(productId, StringComparer.Ordinal))
        {
            throw LiveShopException.UnprocessableField("Product cannot be pinned", "productId", $"Product '{productId}' is not in the showcase of stream '{Id}'.");
        }

        if (Pin is { } pin && pin.ProductId == productId && pin.SkuId == skuId)
        {
            return this;
        }

        return WithPinEvent(new StreamPin(productId, skuId, now), new PinEvent(NextPinRevision, PinActions.Pinned, productId, skuId, now, null), now);
    }

    /// <summary>Removes the pin, saying why (<see cref="UnpinReasons"/>); the stream as it is when nothing is pinned.</summary>
    public LiveStream Unpinned(string reason, DateTimeOffset now) =>
        Pin is not { } pin
            ? this
            : WithPinEvent(null, new PinEvent(NextPinRevision, PinActions.Unpinned, pin.ProductId, pin.SkuId, now, reason), now);

    private long NextPinRevision => (LastPinEvent?.Revision ?? 0) + 1;

    private LiveStream WithPinEvent(StreamPin? pin, PinEvent pinEvent, DateTimeOffset now) =>
        this with { Pin = pin, LastPinEvent = pinEvent, UpdatedAt = now };

    public LiveStream Start(DateTimeOffset now) => Status switch
    {
        StreamStatus.Scheduled => this with { Status = StreamStatus.Live, StartedAt = now, UpdatedAt = now },
        StreamStatus.Live => throw LiveShopException.Conflict("Stream already live", $"Stream '{Id}' is already live (since {StartedAt:O})."),
        _ => throw LiveShopException.Conflict("Stream ended", $"Stream '{Id}' has ended and cannot start again; create a new stream."),
    };

    public LiveStream End(DateTimeOffset now) => Status switch
    {
        StreamStatus.Ended => throw LiveShopException.Conflict("Stream ended", $"Stream '{Id}' has already ended."),
        _ => Unpinned(UnpinReasons.StreamEnded, now) with { Status = StreamStatus.Ended, EndedAt = now, UpdatedAt = now },
    };

    public LiveStream WithShowcase(IReadOnlyList<string> productIds, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(productIds);
        if (Status == StreamStatus.Ended)
        {
            throw LiveShopException.Conflict("Stream ended", $"Stream '{Id}' has ended; its showcase can no longer change.");
        }

        if (productIds.Count > MaxShowcase)
        {
            throw LiveShopException.Unprocessable("Showcase full", $"A showcase holds at most {MaxShowcase} products (this one would hold {productIds.Count}).");
        }

        var duplicate = productIds.GroupBy(p => p, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw LiveShopException.Unprocessable("Duplicate showcase product", $"Product '{duplicate.Key}' appears more than once in the showcase.");
        }

        var changed = this with { Showcase = productIds, UpdatedAt = now };

        // A pinned product taken off the showcase is no longer pinned.
        return Pin is { } pin && !productIds.Contains(pin.ProductId, StringComparer.Ordinal)
            ? changed.Unpinned(UnpinReasons.RemovedFromShowcase, now)
            : changed;
    }
}

/// <summary>The pinned product (and SKU, when the merchant named one) and since when.</summary>
public sealed record StreamPin(string ProductId, string? SkuId, DateTimeOffset PinnedAt);

/// <summary>One entry of a stream's pin history: the <paramref name="Revision"/>-th pin or unpin, when, and why (unpins).</summary>
public sealed record PinEvent(long Revision, string Action, string ProductId, string? SkuId, DateTimeOffset At, string? Reason);

public static class PinActions
{
    public const string Pinned = "pinned";
    public const string Unpinned = "unpinned";
}

/// <summary>Why a product was unpinned.</summary>
public static class UnpinReasons
{
    /// <summary>The merchant unpinned it (pinning another product replaces the pin: that is one "pinned" entry).</summary>
    public const string Merchant = "merchant";
    public const string RemovedFromShowcase = "removed_from_showcase";
    public const string ProductArchived = "product_archived";
    public const string StreamEnded = "stream_ended";
}

public enum StreamStatus
{
    Scheduled,
    Live,
    Ended,
}

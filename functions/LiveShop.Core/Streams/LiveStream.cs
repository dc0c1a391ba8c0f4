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
    DateTimeOffset UpdatedAt) : IDocument
{
    public const int MaxShowcase = 100;

    [JsonIgnore]
    public string PartitionKey => Id;

    public LiveStream Start(DateTimeOffset now) => Status switch
    {
        StreamStatus.Scheduled => this with { Status = StreamStatus.Live, StartedAt = now, UpdatedAt = now },
        StreamStatus.Live => throw LiveShopException.Conflict("Stream already live", $"Stream '{Id}' is already live (since {StartedAt:O})."),
        _ => throw LiveShopException.Conflict("Stream ended", $"Stream '{Id}' has ended and cannot start again; create a new stream."),
    };

    public LiveStream End(DateTimeOffset now) => Status switch
    {
        StreamStatus.Ended => throw LiveShopException.Conflict("Stream ended", $"Stream '{Id}' has already ended."),
        _ => this with { Status = StreamStatus.Ended, EndedAt = now, UpdatedAt = now },
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

        return this with { Showcase = productIds, UpdatedAt = now };
    }
}

public enum StreamStatus
{
    Scheduled,
    Live,
    Ended,
}

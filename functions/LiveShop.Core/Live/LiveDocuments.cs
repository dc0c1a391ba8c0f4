using System.Globalization;
using System.Text.Json.Serialization;
using LiveShop.Core.Storage;
using LiveShop.Core.Streams;

namespace LiveShop.Core.Live;

/// <summary>
/// The documents of the live container (partition key: streamId). Each has a <c>kind</c> the queries filter on, and an id
/// that says what it is, so the stores can reach each with a point operation.
/// </summary>
public static class LiveDocuments
{
    public const string SequenceId = "seq";
    public const string PeakId = "peak";

    public static string SlotId(string key, long slot) => string.Create(CultureInfo.InvariantCulture, $"slot.{key}.{slot}");

    public static string PresenceId(string connectionId) => "presence." + connectionId;

    public static string SaleId(string orderId) => "sale." + orderId;

    /// <summary>Zero-padded, so ids sort as revisions do.</summary>
    public static string PinId(long revision) => string.Create(CultureInfo.InvariantCulture, $"pin.{revision:D12}");
}

/// <summary>A stream's message counter (the last sequence number given).</summary>
public sealed record LiveCounter(string Id, string StreamId, string Kind, long Value) : IDocument
{
    [JsonIgnore]
    public string PartitionKey => StreamId;
}

/// <summary>A coalescing slot taken (expires after its <see cref="Ttl"/>).</summary>
public sealed record SlotClaim(string Id, string StreamId, string Kind, int? Ttl) : IExpiringDocument
{
    [JsonIgnore]
    public string PartitionKey => StreamId;
}

/// <summary>A connection watching a stream; times in Unix milliseconds (compared in queries).</summary>
public sealed record PresenceDocument(
    string Id, string StreamId, string Kind, string ConnectionId, string UserId, bool Host, long CheckedAt, long ExpiresAt, int? Ttl) : IExpiringDocument
{
    [JsonIgnore]
    public string PartitionKey => StreamId;

    public static PresenceDocument From(ViewerPresence presence)
    {
        ArgumentNullException.ThrowIfNull(presence);
        var ttl = (int)Math.Ceiling((presence.ExpiresAt - presence.CheckedAt).TotalSeconds);
        return new(LiveDocuments.PresenceId(presence.ConnectionId), presence.StreamId, "presence", presence.ConnectionId, presence.UserId, presence.Host,
            presence.CheckedAt.ToUnixTimeMilliseconds(), presence.ExpiresAt.ToUnixTimeMilliseconds(), Math.Max(1, ttl));
    }

    public ViewerPresence ToPresence() =>
        new(StreamId, ConnectionId, UserId, Host, DateTimeOffset.FromUnixTimeMilliseconds(CheckedAt), DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAt));
}

/// <summary>A paid order's purchase from a stream (counted once: its id is the order's).</summary>
public sealed record StreamSaleDocument(
    string Id, string StreamId, string Kind, string OrderId, long Units, long Gmv, string Currency, DateTimeOffset PaidAt) : IDocument
{
    [JsonIgnore]
    public string PartitionKey => StreamId;
}

/// <summary>One entry of a stream's pin history.</summary>
public sealed record PinDocument(
    string Id, string StreamId, string Kind, long Revision, string Action, string ProductId, string? SkuId, DateTimeOffset At, string? Reason) : IDocument
{
    [JsonIgnore]
    public string PartitionKey => StreamId;

    public static PinDocument From(string streamId, PinEvent pinEvent)
    {
        ArgumentNullException.ThrowIfNull(pinEvent);
        return new(
            LiveDocuments.PinId(pinEvent.Revision), streamId, "pin", pinEvent.Revision, pinEvent.Action, pinEvent.ProductId, pinEvent.SkuId, pinEvent.At,
            pinEvent.Reason);
    }

    public PinEvent ToEvent() => new(Revision, Action, ProductId, SkuId, At, Reason);
}

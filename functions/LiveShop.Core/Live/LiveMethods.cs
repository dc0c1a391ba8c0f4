namespace LiveShop.Core.Live;

/// <summary>
/// The client methods of the live hub (the SignalR "target" of every message), in one place: the notifier sends them,
/// the README's contract table and the tests are checked against <see cref="All"/>.
/// </summary>
public static class LiveMethods
{
    public const string Pinned = "pinned";
    public const string Unpinned = "unpinned";
    public const string SaleChanged = "saleChanged";
    public const string StockChanged = "stockChanged";
    public const string Viewers = "viewers";
    public const string StreamState = "streamState";

    /// <summary>To the stream's merchant only.</summary>
    public const string Stats = "stats";

    /// <summary>To the buyer only.</summary>
    public const string Checkout = "checkout";

    public static IReadOnlyList<string> All { get; } = [Pinned, Unpinned, SaleChanged, StockChanged, Viewers, StreamState, Stats, Checkout];
}

/// <summary>
/// The service's groups: one per stream for its viewers (every connection that negotiated for it) and one per stream for
/// its host (connections of the stream's own merchant). Connections, not users, join them, so a user watching two streams
/// on two devices gets each stream's messages on that stream's connection only.
/// </summary>
public static class LiveGroups
{
    public static string Stream(string streamId) => "stream." + streamId;

    public static string Host(string streamId) => "host." + streamId;
}

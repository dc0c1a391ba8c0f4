namespace LiveShop.Core.Streams;

/// <summary>What a merchant sends to create a stream.</summary>
public sealed record StreamInput(string? Market, string? Title, DateTimeOffset? ScheduledStart, string? PlaybackUrl);

/// <summary>Adds one product to the showcase, at a position (0-based; default: the end).</summary>
public sealed record ShowcaseAddInput(string? ProductId, int? Position);

/// <summary>The whole showcase in its new order (reorder, add and remove in one write).</summary>
public sealed record ShowcaseInput(IReadOnlyList<string>? ProductIds);

/// <summary>Pins a product of the showcase; <paramref name="SkuId"/> names the SKU the pin card shows (default: the first).</summary>
public sealed record PinInput(string? ProductId, string? SkuId);

/// <summary>A page of a stream's pin history, newest first.</summary>
public sealed record PinHistoryView(string StreamId, IReadOnlyList<PinEvent> Items, string? ContinuationToken);

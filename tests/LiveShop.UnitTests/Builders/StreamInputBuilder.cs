using LiveShop.Core.Streams;

namespace LiveShop.UnitTests.Builders;

/// <summary>A valid stream input by default: market us, starting an hour after the given time.</summary>
public sealed class StreamInputBuilder(DateTimeOffset now)
{
    private string? _market = "us";
    private string? _title = "Friday drop";
    private DateTimeOffset? _scheduledStart = now.AddHours(1);
    private string? _playbackUrl = "https://video.example.com/live/1.m3u8";

    public StreamInputBuilder InMarket(string? market)
    {
        _market = market;
        return this;
    }

    public StreamInputBuilder WithTitle(string? title)
    {
        _title = title;
        return this;
    }

    public StreamInputBuilder StartingAt(DateTimeOffset? start)
    {
        _scheduledStart = start;
        return this;
    }

    public StreamInputBuilder WithPlaybackUrl(string? url)
    {
        _playbackUrl = url;
        return this;
    }

    public StreamInput Build() => new(_market, _title, _scheduledStart, _playbackUrl);
}

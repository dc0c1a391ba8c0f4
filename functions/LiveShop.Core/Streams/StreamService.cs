using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.Core.Identity;
using LiveShop.Core.Markets;
using LiveShop.Core.Storage;
using LiveShop.Core.Validation;

namespace LiveShop.Core.Streams;

/// <summary>Merchants schedule, start and end streams and curate their showcase; viewers read a stream with its showcase.</summary>
public sealed class StreamService(
    IStreamStore streams, IProductStore products, ICatalogEvents events, ServedMarkets markets, TimeProvider clock)
{
    public const int MaxTitleLength = 150;
    public static readonly TimeSpan MaxScheduleAhead = TimeSpan.FromDays(365);
    public static readonly TimeSpan MaxScheduleBehind = TimeSpan.FromDays(1);

    public async Task<Versioned<LiveStream>> CreateAsync(Caller caller, StreamInput? input, CancellationToken ct)
    {
        var merchantId = Authorize.Merchant(caller);
        var now = clock.GetUtcNow();
        var (market, title, start, playbackUrl) = Validate(input, now);
        markets.EnsureServed(market);

        var stream = new LiveStream(
            Ids.New("str", clock), merchantId, market.Code, title, start, playbackUrl,
            StreamStatus.Scheduled, null, null, [], now, now);
        var etag = await streams.CreateAsync(stream, ct);
        await events.StreamChangedAsync(stream, ct);
        return new(stream, etag);
    }

    public Task<Versioned<LiveStream>> StartAsync(Caller caller, string streamId, string? ifMatch, CancellationToken ct) =>
        UpdateAsync(caller, streamId, ifMatch, s => s.Start(clock.GetUtcNow()), ct);

    public Task<Versioned<LiveStream>> EndAsync(Caller caller, string streamId, string? ifMatch, CancellationToken ct) =>
        UpdateAsync(caller, streamId, ifMatch, s => s.End(clock.GetUtcNow()), ct);

    public async Task<Versioned<LiveStream>> AddToShowcaseAsync(
        Caller caller, string streamId, ShowcaseAddInput? input, string? ifMatch, CancellationToken ct)
    {
        var v = new Validator();
        var productId = v.Identifier("productId", input?.ProductId);
        v.Range("position", input?.Position ?? 0, 0, LiveStream.MaxShowcase);
        v.ThrowIfInvalid();

        var stream = await GetOwnedAsync(caller, streamId, ct);
        await EnsureShowcasableAsync(stream.Value, [productId], ct);
        return await UpdateAsync(caller, streamId, ifMatch, s =>
        {
            if (s.Showcase.Contains(productId, StringComparer.Ordinal))
            {
                throw LiveShopException.Conflict("Already in showcase", $"Product '{productId}' is already in the showcase of stream '{streamId}'.");
            }

            var list = s.Showcase.ToList();
            list.Insert(Math.Min(input!.Position ?? list.Count, list.Count), productId);
            return s.WithShowcase(list, clock.GetUtcNow());
        }, ct, stream);
    }

    public Task<Versioned<LiveStream>> RemoveFromShowcaseAsync(
        Caller caller, string streamId, string productId, string? ifMatch, CancellationToken ct) =>
        UpdateAsync(caller, streamId, ifMatch, s =>
        {
            if (!s.Showcase.Contains(productId, StringComparer.Ordinal))
            {
                throw LiveShopException.NotFound("Showcase product", productId);
            }

            return s.WithShowcase(s.Showcase.Where(p => p != productId).ToList(), clock.GetUtcNow());
        }, ct);

    /// <summary>Sets the whole showcase in the given order; needs If-Match, as it replaces what the merchant last saw.</summary>
    public async Task<Versioned<LiveStream>> ReplaceShowcaseAsync(
        Caller caller, string streamId, ShowcaseInput? input, string? ifMatch, CancellationToken ct)
    {
        var v = new Validator();
        v.Count("productIds", input?.ProductIds, 0, LiveStream.MaxShowcase);
        var ids = (input?.ProductIds ?? []).Select((id, i) => v.Identifier($"productIds[{i}]", id)).ToList();
        v.ThrowIfInvalid();
        if (string.IsNullOrEmpty(ifMatch))
        {
            throw LiveShopException.PreconditionRequired("Send If-Match with the ETag of the stream you read, so a concurrent showcase change is not overwritten.");
        }

        var stream = await GetOwnedAsync(caller, streamId, ct);
        await EnsureShowcasableAsync(stream.Value, ids, ct);
        return await UpdateAsync(caller, streamId, ifMatch, s => s.WithShowcase(ids, clock.GetUtcNow()), ct, stream);
    }

    public async Task<Versioned<LiveStream>> GetAsync(string streamId, CancellationToken ct)
    {
        Identifiers.EnsureRouteId("Stream", streamId);
        return await streams.ReadAsync(streamId, streamId, ct) ?? throw LiveShopException.NotFound("Stream", streamId);
    }

    /// <summary>The viewers' hot read: one point read of the stream and one ReadMany of its showcase products.</summary>
    public async Task<StreamView> GetViewAsync(string streamId, CancellationToken ct)
    {
        var stored = await GetAsync(streamId, ct);
        var stream = stored.Value;
        var showcase = stream.Showcase.Count == 0
            ? []
            : await products.ReadManyAsync(stream.MerchantId, stream.Showcase, ct);
        return StreamView.From(stored, showcase.Select(p => p.Value));
    }

    private async Task<Versioned<LiveStream>> GetOwnedAsync(Caller caller, string streamId, CancellationToken ct)
    {
        Authorize.Merchant(caller);
        var stream = await GetAsync(streamId, ct);
        Authorize.MerchantOwns(caller, stream.Value.MerchantId);
        return stream;
    }

    /// <param name="read">A version already read for this request, used for the first attempt (saves a read).</param>
    private async Task<Versioned<LiveStream>> UpdateAsync(
        Caller caller, string streamId, string? ifMatch, Func<LiveStream, LiveStream?> change, CancellationToken ct, Versioned<LiveStream>? read = null)
    {
        var (stored, written) = await Optimistic.UpdateAsync(
            () =>
            {
                var first = read;
                read = null;
                return first is null ? GetOwnedAsync(caller, streamId, ct) : Task.FromResult(first);
            },
            change,
            (stream, etag) => streams.ReplaceAsync(stream, etag, ct),
            ifMatch,
            $"Stream '{streamId}'",
            ct);
        if (written)
        {
            await events.StreamChangedAsync(stored.Value, ct);
        }

        return stored;
    }

    /// <summary>Every product must be the stream merchant's own, active, and of the stream's market.</summary>
    private async Task EnsureShowcasableAsync(LiveStream stream, IReadOnlyCollection<string> productIds, CancellationToken ct)
    {
        if (productIds.Count == 0)
        {
            return;
        }

        var found = (await products.ReadManyAsync(stream.MerchantId, productIds.Distinct(StringComparer.Ordinal).ToList(), ct))
            .ToDictionary(p => p.Value.Id, p => p.Value, StringComparer.Ordinal);
        var v = new Validator();
        var i = 0;
        foreach (var id in productIds)
        {
            var field = productIds.Count == 1 ? "productId" : $"productIds[{i}]";
            if (!found.TryGetValue(id, out var product))
            {
                v.Add(field, $"Product '{id}' is not a product of merchant '{stream.MerchantId}'.");
            }
            else if (product.IsArchived)
            {
                v.Add(field, $"Product '{id}' is archived.");
            }
            else if (product.Market != stream.Market)
            {
                v.Add(field, $"Product '{id}' belongs to market '{product.Market}', the stream to market '{stream.Market}'.");
            }

            i++;
        }

        v.ThrowIfInvalid(ErrorKind.Unprocessable, "Product cannot be showcased");
    }

    private static (Market Market, string Title, DateTimeOffset Start, string PlaybackUrl) Validate(StreamInput? input, DateTimeOffset now)
    {
        var v = new Validator();
        var market = v.Market("market", input?.Market);
        var title = v.Text("title", input?.Title, 1, MaxTitleLength);
        var playbackUrl = v.HttpsUrl("playbackUrl", input?.PlaybackUrl);
        if (input?.ScheduledStart is not { } start)
        {
            v.Add("scheduledStart", "is required (an ISO 8601 date and time with offset).");
            start = default;
        }
        else if (start < now - MaxScheduleBehind || start > now + MaxScheduleAhead)
        {
            v.Add("scheduledStart", $"must be within {MaxScheduleBehind.TotalDays:0} day before and {MaxScheduleAhead.TotalDays:0} days after now ({now:O}).");
        }

        v.ThrowIfInvalid();
        return (market!, title, start, playbackUrl);
    }
}

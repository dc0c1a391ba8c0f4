using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.Core.Identity;
using LiveShop.Core.Live;
using LiveShop.Core.Markets;
using LiveShop.Core.Storage;
using LiveShop.Core.Validation;

namespace LiveShop.Core.Streams;

/// <summary>
/// Merchants schedule, start and end streams, curate their showcase and pin a product of it; viewers read a stream with its
/// showcase and pin. Every write that changes the stream's state or pin is told to the live layer once stored.
/// </summary>
public sealed class StreamService(
    IStreamStore streams, IProductStore products, ICatalogEvents events, ILiveEvents live, ILiveStore liveStore, ServedMarkets markets, TimeProvider clock)
    : IArchivedProducts
{
    public const int DefaultPinPageSize = 20;
    public const int MaxPinPageSize = 100;

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

    /// <summary>Pins a product of the showcase (and optionally one of its SKUs), replacing any pin; the stream must be live.</summary>
    public async Task<Versioned<LiveStream>> PinAsync(Caller caller, string streamId, PinInput? input, string? ifMatch, CancellationToken ct)
    {
        var v = new Validator();
        var productId = v.Identifier("productId", input?.ProductId);
        var skuId = v.OptionalIdentifier("skuId", input?.SkuId);
        v.ThrowIfInvalid();

        var stream = await GetOwnedAsync(caller, streamId, ct);
        var product = (await products.ReadAsync(stream.Value.MerchantId, productId, ct))?.Value;
        if (product is null || product.IsArchived)
        {
            throw LiveShopException.UnprocessableField("Product cannot be pinned", "productId", product is null
                ? $"Product '{productId}' is not a product of merchant '{stream.Value.MerchantId}'."
                : $"Product '{productId}' is archived.");
        }

        if (skuId is not null && product.FindSku(skuId) is null)
        {
            throw LiveShopException.UnprocessableField("Product cannot be pinned", "skuId", $"Product '{productId}' has no SKU '{skuId}'.");
        }

        await SavePinHistoryAsync(stream.Value, ct);
        return await UpdateAsync(caller, streamId, ifMatch, s => s.Pinned(productId, skuId, clock.GetUtcNow()) is var pinned && ReferenceEquals(pinned, s) ? null : pinned, ct, stream);
    }

    /// <summary>Unpins the pinned product; nothing pinned is nothing to do (repeating it is harmless).</summary>
    public async Task<Versioned<LiveStream>> UnpinAsync(Caller caller, string streamId, string? ifMatch, CancellationToken ct)
    {
        var stream = await GetOwnedAsync(caller, streamId, ct);
        await SavePinHistoryAsync(stream.Value, ct);
        return await UpdateAsync(caller, streamId, ifMatch, s => s.Pin is null ? null : s.Unpinned(UnpinReasons.Merchant, clock.GetUtcNow()), ct, stream);
    }

    /// <summary>The stream's pins and unpins, newest first, keyset-paged on their revision (anyone may read it: it is what replays show).</summary>
    public async Task<PinHistoryView> PinHistoryAsync(string streamId, int? pageSize, string? continuationToken, CancellationToken ct)
    {
        if (pageSize is < 1 or > MaxPinPageSize)
        {
            throw LiveShopException.Validation(new Dictionary<string, string[]> { ["pageSize"] = [$"must be between 1 and {MaxPinPageSize} (it is {pageSize})."] });
        }

        long? before = null;
        if (continuationToken is not null)
        {
            before = long.TryParse(continuationToken, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var revision) && revision > 0
                ? revision
                : throw LiveShopException.BadRequest("Invalid continuation token", "continuationToken is not one this endpoint gave.");
        }

        var stream = (await GetAsync(streamId, ct)).Value;
        await SavePinHistoryAsync(stream, ct);
        var size = pageSize ?? DefaultPinPageSize;
        var events = await liveStore.PinEventsAsync(streamId, before, size + 1, ct);
        var page = events.Take(size).ToList();
        return new PinHistoryView(
            streamId,
            page,
            events.Count > size ? page[^1].Revision.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    /// <summary>An archived product is unpinned from every stream that pins it.</summary>
    public async Task ProductArchivedAsync(Product product, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(product);
        foreach (var pinning in await streams.FindPinningAsync(product.MerchantId, product.Id, cancellationToken))
        {
            await SavePinHistoryAsync(pinning.Value, cancellationToken);
            Versioned<LiveStream>? first = pinning;
            await UpdateStoredAsync(
                pinning.Value.Id,
                s => s.Pin?.ProductId == product.Id ? s.Unpinned(UnpinReasons.ProductArchived, clock.GetUtcNow()) : null,
                async () =>
                {
                    var read = first;
                    first = null;
                    return read ?? await GetAsync(pinning.Value.Id, cancellationToken);
                },
                null,
                cancellationToken);
        }
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

    /// <summary>
    /// Writes the stream's last pin event to the history before the next change: the history is written after each pin,
    /// and this completes it should that write have been lost (the same entry again is harmless).
    /// </summary>
    private Task SavePinHistoryAsync(LiveStream stream, CancellationToken ct) =>
        stream.LastPinEvent is { } last ? liveStore.SavePinEventAsync(stream.Id, last, ct) : Task.CompletedTask;

    private async Task<Versioned<LiveStream>> GetOwnedAsync(Caller caller, string streamId, CancellationToken ct)
    {
        Authorize.Merchant(caller);
        var stream = await GetAsync(streamId, ct);
        Authorize.MerchantOwns(caller, stream.Value.MerchantId);
        return stream;
    }

    /// <param name="read">A version already read for this request, used for the first attempt (saves a read).</param>
    private Task<Versioned<LiveStream>> UpdateAsync(
        Caller caller, string streamId, string? ifMatch, Func<LiveStream, LiveStream?> change, CancellationToken ct, Versioned<LiveStream>? read = null) =>
        UpdateStoredAsync(
            streamId,
            change,
            () =>
            {
                var first = read;
                read = null;
                return first is null ? GetOwnedAsync(caller, streamId, ct) : Task.FromResult(first);
            },
            ifMatch,
            ct);

    /// <summary>Writes a change under the ETag read; once written, caches hear of it and the live layer of a new state or pin.</summary>
    private async Task<Versioned<LiveStream>> UpdateStoredAsync(
        string streamId, Func<LiveStream, LiveStream?> change, Func<Task<Versioned<LiveStream>>> read, string? ifMatch, CancellationToken ct)
    {
        LiveStream? before = null;
        var (stored, written) = await Optimistic.UpdateAsync(
            read,
            s =>
            {
                before = s;
                return change(s);
            },
            (stream, etag) => streams.ReplaceAsync(stream, etag, ct),
            ifMatch,
            $"Stream '{streamId}'",
            ct);
        if (written)
        {
            await events.StreamChangedAsync(stored.Value, ct);
            if (before?.Status != stored.Value.Status)
            {
                await live.StreamStateChangedAsync(stored.Value, ct);
            }

            if (before?.LastPinEvent?.Revision != stored.Value.LastPinEvent?.Revision)
            {
                await live.PinChangedAsync(stored.Value, ct);
            }
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

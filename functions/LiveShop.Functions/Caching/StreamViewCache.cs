using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using LiveShop.Core.Catalog;
using LiveShop.Core.Streams;
using Microsoft.Extensions.Caching.Memory;
using LiveShop.Functions.Http;

namespace LiveShop.Functions.Caching;

/// <summary>
/// The viewers' hot read, serialised once and kept briefly in memory. Every change in this instance takes the next
/// number of one sequence and records it as its stream's or merchant's last change; an entry remembers the sequence
/// number as of just before its load and is served only while neither its stream nor its merchant changed after that
/// (a change during the load included), so a stale entry is never served here. Other instances see the change within
/// the cache lifetime.
/// </summary>
public sealed class StreamViewCache(IMemoryCache cache, TimeSpan lifetime) : ICatalogEvents
{
    private readonly ConcurrentDictionary<string, Lazy<Task<CachedView>>> _loading = new(StringComparer.Ordinal);
    private readonly Lock _markerGate = new();
    private long _sequence;

    /// <summary>
    /// The stream's view as UTF-8 JSON bytes with a strong ETag of those bytes; <paramref name="load"/> reads it on a miss.
    /// Concurrent misses of one stream share one load (so an expiry under load costs one read, not one per viewer).
    /// </summary>
    public async Task<CachedView> GetAsync(string streamId, Func<string, CancellationToken, Task<StreamView>> load, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(load);
        var key = "stream:" + streamId;
        if (cache.TryGetValue(key, out CachedView? hit) && hit is not null && IsCurrent(hit))
        {
            return hit;
        }

        // The shared load must not die with the first caller's request, so it runs uncancelled; each caller stops
        // waiting when its own request ends.
        var arrived = Interlocked.Read(ref _sequence);
        var flight = _loading.GetOrAdd(key, _ => new Lazy<Task<CachedView>>(() => LoadAsync(key, streamId, load, CancellationToken.None)));
        try
        {
            var entry = await flight.Value.WaitAsync(ct);

            // A load that began before this caller arrived, with a change of its stream or merchant since, may be
            // older than what this caller has already seen elsewhere: load afresh.
            return entry.AsOf >= arrived || IsCurrent(entry) ? entry : await LoadAsync(key, streamId, load, ct);
        }
        finally
        {
            _loading.TryRemove(KeyValuePair.Create(key, flight));
        }
    }

    private async Task<CachedView> LoadAsync(string key, string streamId, Func<string, CancellationToken, Task<StreamView>> load, CancellationToken ct)
    {
        // Read before loading: the merchant is only known after the load, and a change of its products while the
        // load runs must still make this entry stale.
        var asOf = Interlocked.Read(ref _sequence);
        var view = await load(streamId, ct);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(view, ApiJson.Options);
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12)) + "\"";
        var entry = new CachedView(bytes, etag, key, "merchant:" + view.MerchantId, asOf);
        if (lifetime > TimeSpan.Zero)
        {
            cache.Set(key, entry, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime, Size = bytes.Length });
        }

        return entry;
    }

    public Task ProductChangedAsync(Product product, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(product);
        Bump("merchant:" + product.MerchantId);
        return Task.CompletedTask;
    }

    public Task StreamChangedAsync(LiveStream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Bump("stream:" + stream.Id);
        return Task.CompletedTask;
    }

    private bool IsCurrent(CachedView view) =>
        LastChange(view.StreamKey) <= view.AsOf && LastChange(view.MerchantKey) <= view.AsOf;

    /// <summary>
    /// How long a change marker is kept: an entry loaded before a change can be cached for at most the lifetime after
    /// its load began, so past this (plus a margin for slow loads) no entry the marker guards can remain.
    /// </summary>
    private TimeSpan MarkerLifetime => lifetime + TimeSpan.FromMinutes(1);

    private long LastChange(string key) => cache.TryGetValue("change:" + key, out long change) ? change : 0;

    private void Bump(string key)
    {
        var change = Interlocked.Increment(ref _sequence);
        lock (_markerGate)
        {
            if (LastChange(key) < change)
            {
                // Never evicted under memory pressure (an evicted marker would let a stale entry be served); expires on time.
                cache.Set("change:" + key, change, new MemoryCacheEntryOptions
                {
                    AbsoluteExpirationRelativeToNow = MarkerLifetime,
                    Priority = CacheItemPriority.NeverRemove,
                    Size = 1,
                });
            }
        }
    }
}

/// <summary>A serialised view, with the keys of what it depends on and the change sequence number as of its load.</summary>
public sealed record CachedView(byte[] Json, string ETag, string StreamKey, string MerchantKey, long AsOf);

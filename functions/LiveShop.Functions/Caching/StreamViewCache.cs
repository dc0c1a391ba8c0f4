using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using LiveShop.Core.Catalog;
using LiveShop.Core.Streams;
using Microsoft.Extensions.Caching.Memory;
using LiveShop.Functions.Http;

namespace LiveShop.Functions.Caching;

/// <summary>
/// The viewers' hot read, serialised once and kept briefly in memory. Entries carry the generation of their
/// stream and merchant when they were read; a change in this instance bumps the generation, so a stale
/// entry is never served here. Other instances see the change within the cache lifetime.
/// </summary>
public sealed class StreamViewCache(IMemoryCache cache, TimeSpan lifetime) : ICatalogEvents
{
    private readonly ConcurrentDictionary<string, long> _generations = new(StringComparer.Ordinal);

    /// <summary>The stream's view as UTF-8 JSON bytes with a strong ETag of those bytes; <paramref name="load"/> reads it on a miss.</summary>
    public async Task<CachedView> GetAsync(string streamId, Func<string, CancellationToken, Task<StreamView>> load, CancellationToken ct)
    {
        var key = "stream:" + streamId;
        if (cache.TryGetValue(key, out CachedView? hit) && hit is not null && IsCurrent(hit))
        {
            return hit;
        }

        var streamGeneration = Generation(key);
        ArgumentNullException.ThrowIfNull(load);
        var view = await load(streamId, ct);
        var merchantGeneration = Generation("merchant:" + view.MerchantId);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(view, ApiJson.Options);
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12)) + "\"";
        var entry = new CachedView(bytes, etag, key, streamGeneration, "merchant:" + view.MerchantId, merchantGeneration);
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
        Generation(view.StreamKey) == view.StreamGeneration && Generation(view.MerchantKey) == view.MerchantGeneration;

    private long Generation(string key) => _generations.GetValueOrDefault(key);

    private void Bump(string key) => _generations.AddOrUpdate(key, 1, (_, g) => g + 1);
}

public sealed record CachedView(byte[] Json, string ETag, string StreamKey, long StreamGeneration, string MerchantKey, long MerchantGeneration);

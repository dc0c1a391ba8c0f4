using LiveShop.Core.Streams;
using LiveShop.Functions.Caching;
using LiveShop.UnitTests.Builders;
using Microsoft.Extensions.Caching.Memory;

namespace LiveShop.UnitTests.Caching;

/// <summary>Concurrent misses of one stream share one load, without giving anyone an outdated view.</summary>
public sealed class StreamViewCacheSingleFlightTests : IDisposable
{
    private readonly MemoryCache _memory = new(new MemoryCacheOptions { SizeLimit = 16L * 1024 * 1024 });
    private readonly Shop _shop = new();

    public void Dispose() => _memory.Dispose();

    [Fact]
    public async Task GetAsync_ConcurrentMisses_ShareOneLoad()
    {
        var cache = new StreamViewCache(_memory, TimeSpan.FromMinutes(5));
        var stream = await _shop.CreateStreamAsync();
        var loader = new GatedLoader(_shop.Streams);

        var readers = Enumerable.Range(0, 20).Select(_ => cache.GetAsync(stream.Id, loader.LoadAsync, CancellationToken.None)).ToList();
        await loader.Started.Task;
        loader.Gate.SetResult();
        var views = await Task.WhenAll(readers);

        Assert.Equal(1, loader.Calls);
        Assert.All(views, view => Assert.Same(views[0], view));
    }

    [Fact]
    public async Task GetAsync_FirstCallerCancelled_OthersStillGetTheSharedLoad()
    {
        var cache = new StreamViewCache(_memory, TimeSpan.FromMinutes(5));
        var stream = await _shop.CreateStreamAsync();
        var loader = new GatedLoader(_shop.Streams);
        using var cancelled = new CancellationTokenSource();

        var first = cache.GetAsync(stream.Id, loader.LoadAsync, cancelled.Token);
        await loader.Started.Task;
        var second = cache.GetAsync(stream.Id, loader.LoadAsync, CancellationToken.None);
        await cancelled.CancelAsync();
        loader.Gate.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal(stream.Id, (await second).StreamKey["stream:".Length..]);
        Assert.Equal(1, loader.Calls);
    }

    [Fact]
    public async Task GetAsync_JoinsLoadThatStartedBeforeAChange_LoadsAfresh()
    {
        var cache = new StreamViewCache(_memory, TimeSpan.FromMinutes(5));
        var stream = await _shop.CreateStreamAsync();
        var loader = new GatedLoader(_shop.Streams);

        var early = cache.GetAsync(stream.Id, loader.LoadAsync, CancellationToken.None);
        await loader.Started.Task;
        var started = await _shop.Streams.StartAsync(Callers.Merchant(), stream.Id, null, CancellationToken.None);
        await cache.StreamChangedAsync(started.Value, CancellationToken.None);
        var late = cache.GetAsync(stream.Id, loader.LoadAsync, CancellationToken.None);
        loader.Gate.SetResult();

        await early;
        var view = await late;
        Assert.Equal(2, loader.Calls);
        Assert.Contains("\"status\":\"live\"", System.Text.Encoding.UTF8.GetString(view.Json), StringComparison.Ordinal);
    }

    /// <summary>Its first load waits at a gate after reading, so callers can pile up behind it.</summary>
    private sealed class GatedLoader(StreamService streams)
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<StreamView> LoadAsync(string streamId, CancellationToken ct)
        {
            var first = Interlocked.Increment(ref _calls) == 1;
            var view = await streams.GetViewAsync(streamId, ct);
            if (first)
            {
                Started.SetResult();
                await Gate.Task;
            }

            return view;
        }
    }
}

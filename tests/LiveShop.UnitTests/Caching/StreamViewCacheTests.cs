using LiveShop.Core.Catalog;
using LiveShop.Core.Streams;
using LiveShop.Functions.Caching;
using LiveShop.UnitTests.Builders;
using Microsoft.Extensions.Caching.Memory;

namespace LiveShop.UnitTests.Caching;

public sealed class StreamViewCacheTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly MemoryCache _memory = new(new MemoryCacheOptions { SizeLimit = 16L * 1024 * 1024 });
    private readonly Shop _shop = new();

    public void Dispose() => _memory.Dispose();

    [Fact]
    public async Task GetAsync_SecondCallWithinLifetime_DoesNotCallTheLoader()
    {
        var cache = new StreamViewCache(_memory, TimeSpan.FromMinutes(5));
        var stream = await _shop.CreateStreamAsync();
        var loader = new CountingLoader(_shop.Streams);

        var first = await cache.GetAsync(stream.Id, loader.LoadAsync, None);
        var second = await cache.GetAsync(stream.Id, loader.LoadAsync, None);

        Assert.Equal(1, loader.Calls);
        Assert.Same(first, second);
        Assert.Matches("^\"[0-9a-f]{24}\"$", first.ETag);
    }

    [Fact]
    public async Task GetAsync_ZeroLifetime_LoadsEveryTime()
    {
        var cache = new StreamViewCache(_memory, TimeSpan.Zero);
        var stream = await _shop.CreateStreamAsync();
        var loader = new CountingLoader(_shop.Streams);

        await cache.GetAsync(stream.Id, loader.LoadAsync, None);
        await cache.GetAsync(stream.Id, loader.LoadAsync, None);

        Assert.Equal(2, loader.Calls);
    }

    [Fact]
    public async Task GetAsync_AfterStreamChanged_Reloads()
    {
        var cache = new StreamViewCache(_memory, TimeSpan.FromMinutes(5));
        var stream = await _shop.CreateStreamAsync();
        var loader = new CountingLoader(_shop.Streams);
        var before = await cache.GetAsync(stream.Id, loader.LoadAsync, None);
        var started = await _shop.Streams.StartAsync(Callers.Merchant(), stream.Id, null, None);

        await cache.StreamChangedAsync(started.Value, None);
        var after = await cache.GetAsync(stream.Id, loader.LoadAsync, None);

        Assert.Equal(2, loader.Calls);
        Assert.NotEqual(before.ETag, after.ETag);
    }

    [Fact]
    public async Task GetAsync_AfterProductOfTheSameMerchantChanged_Reloads()
    {
        var cache = new StreamViewCache(_memory, TimeSpan.FromMinutes(5));
        var stream = await _shop.CreateStreamAsync();
        var loader = new CountingLoader(_shop.Streams);
        await cache.GetAsync(stream.Id, loader.LoadAsync, None);
        var product = await _shop.CreateProductAsync();

        await cache.ProductChangedAsync(product, None);
        await cache.GetAsync(stream.Id, loader.LoadAsync, None);

        Assert.Equal(2, loader.Calls);
    }

    [Fact]
    public async Task GetAsync_AfterProductOfAnotherMerchantChanged_ServesTheCachedView()
    {
        var cache = new StreamViewCache(_memory, TimeSpan.FromMinutes(5));
        var stream = await _shop.CreateStreamAsync();
        var loader = new CountingLoader(_shop.Streams);
        var before = await cache.GetAsync(stream.Id, loader.LoadAsync, None);
        var theirs = await _shop.CreateProductAsync(Shop.OtherMerchantId);

        await cache.ProductChangedAsync(theirs, None);
        var after = await cache.GetAsync(stream.Id, loader.LoadAsync, None);

        Assert.Equal(1, loader.Calls);
        Assert.Same(before, after);
    }

    [Fact]
    public async Task GetAsync_AfterAnotherStreamChanged_ServesTheCachedView()
    {
        var cache = new StreamViewCache(_memory, TimeSpan.FromMinutes(5));
        var stream = await _shop.CreateStreamAsync();
        var other = await _shop.CreateStreamAsync();
        var loader = new CountingLoader(_shop.Streams);
        await cache.GetAsync(stream.Id, loader.LoadAsync, None);

        await cache.StreamChangedAsync(other, None);
        await cache.GetAsync(stream.Id, loader.LoadAsync, None);

        Assert.Equal(1, loader.Calls);
    }

    [Fact]
    public async Task GetAsync_StreamChangesWhileLoading_LoadedViewIsNotServedAfterwards()
    {
        var cache = new StreamViewCache(_memory, TimeSpan.FromMinutes(5));
        var stream = await _shop.CreateStreamAsync();
        var loader = new CountingLoader(_shop.Streams) { DuringFirstLoad = () => cache.StreamChangedAsync(stream, None) };

        await cache.GetAsync(stream.Id, loader.LoadAsync, None);
        await cache.GetAsync(stream.Id, loader.LoadAsync, None);

        Assert.Equal(2, loader.Calls);
    }

    [Fact]
    public async Task GetAsync_ProductChangesWhileLoading_LoadedViewIsNotServedAfterwards()
    {
        var cache = new StreamViewCache(_memory, TimeSpan.FromMinutes(5));
        var stream = await _shop.CreateStreamAsync();
        var product = await _shop.CreateProductAsync();
        var loader = new CountingLoader(_shop.Streams) { DuringFirstLoad = () => cache.ProductChangedAsync(product, None) };

        await cache.GetAsync(stream.Id, loader.LoadAsync, None);
        await cache.GetAsync(stream.Id, loader.LoadAsync, None);

        Assert.Equal(2, loader.Calls);
    }

    [Fact]
    public async Task GetAsync_ViewJson_CarriesTheShowcase()
    {
        var cache = new StreamViewCache(_memory, TimeSpan.FromMinutes(5));
        var stream = await _shop.CreateStreamAsync();
        var product = await _shop.CreateProductAsync(input: new ProductInputBuilder().WithTitle("Shown"));
        await _shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(product.Id, null), null, None);

        var view = await cache.GetAsync(stream.Id, new CountingLoader(_shop.Streams).LoadAsync, None);

        var json = System.Text.Encoding.UTF8.GetString(view.Json);
        Assert.Contains("\"title\":\"Shown\"", json, StringComparison.Ordinal);
        Assert.Contains($"\"id\":\"{stream.Id}\"", json, StringComparison.Ordinal);
    }

    /// <summary>Loads views from the stream service, counting calls; can run an action in the middle of the first load.</summary>
    private sealed class CountingLoader(StreamService streams)
    {
        public int Calls { get; private set; }

        public Func<Task>? DuringFirstLoad { get; init; }

        public async Task<StreamView> LoadAsync(string streamId, CancellationToken ct)
        {
            Calls++;
            var view = await streams.GetViewAsync(streamId, ct);
            if (Calls == 1 && DuringFirstLoad is not null)
            {
                await DuringFirstLoad();
            }

            return view;
        }
    }
}

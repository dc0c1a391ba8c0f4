using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Identity;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage.InMemory;
using LiveShop.Core.Streams;
using LiveShop.Functions.Http;
using LiveShop.LocalRunner;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LiveShop.EndToEndTests;

/// <summary>
/// The local runner on a free loopback port, over real HTTP, with in-memory stores wrapped so tests can see
/// every write. Each test creates its own merchant ids, so no test depends on another's data.
/// </summary>
public sealed class RunnerFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;

    public DevTokens Tokens { get; private set; } = null!;

    public WriteCountingProductStore Products { get; } = new(new InMemoryProductStore());

    public WriteCountingStreamStore Streams { get; } = new(new InMemoryStreamStore());

    /// <summary>The clock the app's services read: real time, which a test can move forward (e.g. to a flash sale's start).</summary>
    public TestClock Clock { get; } = new();

    public WriteCountingCartStore Carts { get; }

    public WriteCountingStockStore Stock { get; } = new(new InMemoryStockStore());

    /// <summary>Every write that reached any store.</summary>
    public int Writes => Products.Writes + Streams.Writes + Carts.Writes + Stock.Writes;

    public RunnerFixture()
    {
        Carts = new(new InMemoryCartStore(Clock));
    }

    public WebApplication App => _app ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _app = LocalRunnerApp.Build(
            ["--urls=http://127.0.0.1:0", "--LocalRunner:Seed=false", "--LiveShop:StreamCacheMilliseconds=60000", "--Logging:LogLevel:Default=Warning"],
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(Clock);
                builder.Services.AddSingleton<IProductStore>(Products);
                builder.Services.AddSingleton<IStreamStore>(Streams);
                builder.Services.AddSingleton<ICartStore>(Carts);
                builder.Services.AddSingleton<IStockStore>(Stock);
            });
        await _app.StartAsync();
        Client = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
        Tokens = _app.Services.GetRequiredService<DevTokens>();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public static string NewMerchantId() => "m-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public string MerchantToken(string merchantId) => Tokens.Issue("user-" + merchantId, Role.Merchant, merchantId);

    public string ViewerToken(string viewerId = "viewer-1") => Tokens.Issue(viewerId, Role.Viewer);

    /// <summary>The path of a function route under the host's route prefix (from host.json).</summary>
    public static string Url(string route) => $"/{HostJson.Prefix}/{route}";

    public static HttpRequestMessage Request(HttpMethod method, string route, string? token = null, object? body = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, Url(route));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: ApiJson.Options);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string route, string? token = null, object? body = null, string? ifMatch = null) =>
        Client.SendAsync(Request(method, route, token, body, ifMatch));

    /// <summary>Creates a product for the merchant through the API and returns its id and ETag.</summary>
    public async Task<(string Id, string ETag)> CreateProductAsync(string merchantId, string market = "us", long price = 2500, long stock = 10)
    {
        using var response = await SendAsync(HttpMethod.Post, Routes.Format(Routes.MerchantProducts, merchantId), MerchantToken(merchantId), Inputs.Product(market, price, stock));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var view = (await response.Content.ReadFromJsonAsync<ProductView>(ApiJson.Options))!;
        Assert.Equal(Url(Routes.Format(Routes.MerchantProduct, merchantId, view.Id)), response.Headers.Location?.OriginalString);
        return (view.Id, response.Headers.ETag!.Tag);
    }

    /// <summary>Creates a scheduled stream for the merchant through the API and returns its id and ETag.</summary>
    public async Task<(string Id, string ETag)> CreateStreamAsync(string merchantId, string market = "us")
    {
        using var response = await SendAsync(HttpMethod.Post, Routes.Streams, MerchantToken(merchantId), Inputs.Stream(market));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var stream = (await response.Content.ReadFromJsonAsync<LiveStream>(ApiJson.Options))!;
        Assert.Equal(Url(Routes.Format(Routes.Stream, stream.Id)), response.Headers.Location?.OriginalString);
        return (stream.Id, response.Headers.ETag!.Tag);
    }
}

/// <summary>Real time plus an offset a test can move forward; never backward, so other tests' data stays valid.</summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}

[CollectionDefinition(Name)]
public sealed class RunnerCollection : ICollectionFixture<RunnerFixture>
{
    public const string Name = "runner";
}

/// <summary>Request bodies that pass validation.</summary>
public static class Inputs
{
    public static ProductInput Product(string market = "us", long price = 2500, long stock = 10, string title = "Linen shirt")
    {
        var currency = LiveShop.Core.Markets.MarketRegistry.Get(market).Currency.Code;
        return new ProductInput(market, title, "Soft and light.", ["https://img.example.com/shirt.jpg"],
        [
            new SkuInput("shirt-s", new Dictionary<string, string> { ["size"] = "S" }, new MoneyInput(price, currency), stock),
            new SkuInput("shirt-m", new Dictionary<string, string> { ["size"] = "M" }, new MoneyInput(price, currency), stock),
        ]);
    }

    public static StreamInput Stream(string market = "us") =>
        new(market, "Friday drop", DateTimeOffset.UtcNow.AddMinutes(30), "https://video.example.com/live/1.m3u8");
}

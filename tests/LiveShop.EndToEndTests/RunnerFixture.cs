using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Configuration;
using LiveShop.Core.Identity;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage.InMemory;
using LiveShop.Core.Streams;
using LiveShop.Functions.Carts;
using LiveShop.Functions.Http;
using LiveShop.LocalRunner;
using LiveShop.Payments;
using Microsoft.AspNetCore.Builder;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace LiveShop.EndToEndTests;

/// <summary>
/// The local runner on a free loopback port, over real HTTP, with in-memory stores wrapped so tests can see
/// every write. Each test creates its own merchant ids, so no test depends on another's data.
/// </summary>
public sealed class RunnerFixture : IAsyncLifetime, IAsyncDisposable
{
    private readonly string[] _extraArgs;
    private readonly Action<RunnerFixture, WebApplicationBuilder>? _configure;
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;

    public DevTokens Tokens { get; private set; } = null!;

    public WriteCountingProductStore Products { get; } = new(new InMemoryProductStore());

    public WriteCountingStreamStore Streams { get; } = new(new InMemoryStreamStore());

    /// <summary>The clock the app's services read: real time, which a test can move forward (e.g. to a flash sale's start).</summary>
    public TestClock Clock { get; } = new();

    public WriteCountingCartStore Carts { get; }

    public WriteCountingStockStore Stock { get; } = new(new InMemoryStockStore());

    public WriteCountingCheckoutStore Checkouts { get; } = new(new InMemoryCheckoutStore());

    public WriteCountingOrderStore Orders { get; } = new(new InMemoryOrderStore());

    public WriteCountingSaleClaimStore Claims { get; } = new(new InMemorySaleClaimStore());

    public WriteCountingPaymentEventStore PaymentEvents { get; } = new(new InMemoryPaymentEventStore());

    /// <summary>The domain events the app published (it publishes through this instead of the log).</summary>
    public RecordingDomainEvents Events { get; } = new();

    /// <summary>Every write that reached any store.</summary>
    public int Writes => Products.Writes + Streams.Writes + Carts.Writes + Stock.Writes + Checkouts.Writes + Orders.Writes + Claims.Writes + PaymentEvents.Writes;

    public RunnerFixture()
        : this([], null)
    {
    }

    private RunnerFixture(string[] extraArgs, Action<RunnerFixture, WebApplicationBuilder>? configure)
    {
        _extraArgs = extraArgs;
        _configure = configure;
        Carts = new(new InMemoryCartStore(Clock));
    }

    /// <summary>
    /// A runner of its own (for a test that needs other settings, or moves the clock far): <paramref name="extraArgs"/>
    /// are added to the command line, and <paramref name="configure"/> runs after the fixture's own replacements.
    /// </summary>
    public static async Task<RunnerFixture> StartAsync(string[] extraArgs, Action<RunnerFixture, WebApplicationBuilder>? configure = null)
    {
        var runner = new RunnerFixture(extraArgs, configure);
        try
        {
            await runner.InitializeAsync();
            return runner;
        }
        catch
        {
            await runner.DisposeAsync();
            throw;
        }
    }

    /// <summary>The simulated payment provider the app pays with.</summary>
    public SimulatedPaymentProvider Payments => App.Services.GetRequiredService<SimulatedPaymentProvider>();

    public StockLedger Ledger => App.Services.GetRequiredService<StockLedger>();

    /// <summary>The app's Durable client (checkout orchestrations run on the runner's in-memory backend).</summary>
    public DurableTaskClient Durable => App.Services.GetRequiredService<DurableTaskClient>();

    public WebApplication App => _app ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _app = LocalRunnerApp.Build(
            ["--urls=http://127.0.0.1:0", "--LocalRunner:Seed=false", "--LiveShop:StreamCacheMilliseconds=60000", "--Logging:LogLevel:Default=Warning", .. _extraArgs],
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(Clock);
                builder.Services.AddSingleton<IProductStore>(Products);
                builder.Services.AddSingleton<IStreamStore>(Streams);
                builder.Services.AddSingleton<ICartStore>(Carts);
                builder.Services.AddSingleton<IStockStore>(Stock);
                builder.Services.AddSingleton<ICheckoutStore>(Checkouts);
                builder.Services.AddSingleton<IOrderStore>(Orders);
                builder.Services.AddSingleton<ISaleClaimStore>(Claims);
                builder.Services.AddSingleton<IPaymentEventStore>(PaymentEvents);
                builder.Services.AddSingleton<IDomainEvents>(Events);
                _configure?.Invoke(this, builder);
            });
        await _app.StartAsync();
        Client = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };

        // Tokens come from an identity provider, whose clock is real time, and the app validates their lifetime
        // against real time too. Issuing them on the app's clock (the runner's DevTokens do) would date them in the
        // future once a test moved that clock forward by more than the validator's skew, and every later call would be 401.
        var configuration = _app.Configuration;
        Tokens = new DevTokens(
            configuration[SettingNames.AuthDevSigningKey]!, configuration[SettingNames.AuthIssuer]!, configuration[SettingNames.AuthAudience]!, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    public static string NewMerchantId() => "m-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public string MerchantToken(string merchantId) => Tokens.Issue("user-" + merchantId, Role.Merchant, merchantId);

    public string ViewerToken(string viewerId = "viewer-1") => Tokens.Issue(viewerId, Role.Viewer);

    public static string NewViewerId() => "v-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>A new signed-in viewer, as a shopper (its bearer token).</summary>
    public Shopper NewViewer() => Shopper.Viewer(ViewerToken(NewViewerId()));

    /// <summary>A new guest, as a shopper: a guest token from POST /api/guests (which writes nothing).</summary>
    public async Task<Shopper> NewGuestAsync() => Shopper.Guest(await NewGuestTokenAsync());

    public async Task<string> NewGuestTokenAsync()
    {
        using var response = await SendAsync(HttpMethod.Post, Routes.Guests);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var guest = (await response.Content.ReadFromJsonAsync<GuestView>(ApiJson.Options))!;
        Assert.Equal(ApiRequest.GuestTokenHeader, guest.Header);
        return guest.GuestToken;
    }

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

    /// <summary>A request from a shopper: its bearer token and/or its X-Guest-Token.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string route, Shopper shopper, object? body = null, string? ifMatch = null)
    {
        ArgumentNullException.ThrowIfNull(shopper);
        var request = Request(method, route, shopper.BearerToken, body, ifMatch);
        if (shopper.GuestToken is not null)
        {
            request.Headers.TryAddWithoutValidation(ApiRequest.GuestTokenHeader, shopper.GuestToken);
        }

        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string route, string? token = null, object? body = null, string? ifMatch = null) =>
        Client.SendAsync(Request(method, route, token, body, ifMatch));

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string route, Shopper shopper, object? body = null, string? ifMatch = null) =>
        Client.SendAsync(Request(method, route, shopper, body, ifMatch));

    /// <summary>The shopper's cart in the market, as GET /api/carts/{market} shows it (200 asserted).</summary>
    public async Task<CartView> GetCartAsync(Shopper shopper, string market)
    {
        using var response = await SendAsync(HttpMethod.Get, Routes.Format(Routes.Cart, market), shopper);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var view = (await response.Content.ReadFromJsonAsync<CartView>(ApiJson.Options))!;
        Assert.Equal(view.Version, response.Headers.ETag?.Tag);
        return view;
    }

    /// <summary>
    /// Adds units of a SKU to the shopper's cart from <paramref name="streamId"/> (null: from no stream, so no flash sale
    /// applies: sales are stream-only) (200 asserted); returns the change and the cart's new ETag.
    /// </summary>
    public async Task<(CartChangeView Change, string ETag)> AddToCartAsync(
        Shopper shopper, string market, string merchantId, string productId, string skuId = "shirt-s", long quantity = 1, string? streamId = null)
    {
        using var response = await SendAsync(HttpMethod.Post, Routes.Format(Routes.CartLines, market), shopper, Inputs.CartLine(merchantId, productId, skuId, quantity, streamId));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var change = (await response.Content.ReadFromJsonAsync<CartChangeView>(ApiJson.Options))!;
        Assert.Equal(change.Version, response.Headers.ETag!.Tag);
        return (change, response.Headers.ETag.Tag);
    }

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

    /// <summary>
    /// Creates a product and a stream of the merchant in the market, puts the product in the showcase and starts the
    /// stream (what a flash sale needs); returns the stream and product ids.
    /// </summary>
    public async Task<(string StreamId, string ProductId)> CreateLiveStreamWithProductAsync(string merchantId, string market = "uk", long price = 2000, long stock = 20)
    {
        var token = MerchantToken(merchantId);
        var (product, _) = await CreateProductAsync(merchantId, market, price, stock);
        var (stream, _) = await CreateStreamAsync(merchantId, market);
        using var added = await SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamShowcase, stream), token, new ShowcaseAddInput(product, null));
        Assert.Equal(System.Net.HttpStatusCode.OK, added.StatusCode);
        using var started = await SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamStart, stream), token);
        Assert.Equal(System.Net.HttpStatusCode.OK, started.StatusCode);
        return (stream, product);
    }

    /// <summary>Creates a flash sale through the API (201 asserted) and returns it as created.</summary>
    public async Task<FlashSaleView> CreateFlashSaleAsync(string merchantId, string streamId, FlashSaleInput input)
    {
        using var response = await SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamSales, streamId), MerchantToken(merchantId), input);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"Creating the flash sale answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<FlashSaleView>(ApiJson.Options))!;
    }

    /// <summary>
    /// Creates a flash sale whose times are relative to the app's "now": the clock stands still from reading it until
    /// the app has answered, so a countdown at its bound (10 s, 300 s) is never refused because the machine is slow.
    /// </summary>
    public async Task<FlashSaleView> CreateFlashSaleAsync(string merchantId, string streamId, Func<DateTimeOffset, FlashSaleInput> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var frozen = Clock.Freeze();
        return await CreateFlashSaleAsync(merchantId, streamId, input(Clock.GetUtcNow()));
    }
}

/// <summary>Who a cart request comes from: a signed-in viewer (bearer token), a guest (X-Guest-Token), or both (a merge).</summary>
public sealed record Shopper(string? BearerToken, string? GuestToken)
{
    public static Shopper Viewer(string bearerToken) => new(bearerToken, null);

    public static Shopper Guest(string guestToken) => new(null, guestToken);

    public static Shopper Anonymous { get; } = new(null, null);
}

/// <summary>
/// Real time plus an offset a test can move forward; never backward, so other tests' data stays valid. It can stand
/// still for a while (<see cref="Freeze"/>), so a test's request that must arrive "within a second" of a time it read
/// does, however slow the machine is.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;
    private long _frozenTicks;

    public override DateTimeOffset GetUtcNow() =>
        Interlocked.Read(ref _frozenTicks) is var frozen and not 0 ? new DateTimeOffset(frozen, TimeSpan.Zero) : Running();

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, by.Ticks);
        if (Interlocked.Read(ref _frozenTicks) != 0)
        {
            Interlocked.Add(ref _frozenTicks, by.Ticks);
        }
    }

    /// <summary>Stops the clock at the present until disposed; it then goes on from real time (a jump forward, never back).</summary>
    public IDisposable Freeze()
    {
        Interlocked.Exchange(ref _frozenTicks, Running().UtcTicks);
        return new Thaw(this);
    }

    private DateTimeOffset Running() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    private sealed class Thaw(TestClock clock) : IDisposable
    {
        public void Dispose() => Interlocked.Exchange(ref clock._frozenTicks, 0);
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

    public static AddCartLineInput CartLine(string merchantId, string productId, string skuId = "shirt-s", long quantity = 1, string? streamId = null) =>
        new(merchantId, productId, skuId, quantity, streamId);

    /// <summary>A flash sale on a SKU of <paramref name="productId"/>, starting <paramref name="startsIn"/> after <paramref name="now"/> (the app's clock).</summary>
    public static FlashSaleInput FlashSale(
        string productId, DateTimeOffset now, string market = "uk", long dealPrice = 1500, string skuId = "shirt-s", long allotment = 10, int perCustomerLimit = 2, TimeSpan? startsIn = null, int durationSeconds = 300) =>
        new(productId, skuId, new MoneyInput(dealPrice, LiveShop.Core.Markets.MarketRegistry.Get(market).Currency.Code), allotment, perCustomerLimit, now + (startsIn ?? TimeSpan.FromSeconds(30)), durationSeconds);
}

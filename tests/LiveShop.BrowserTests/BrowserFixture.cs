using LiveShop.Core.Catalog;
using LiveShop.Core.Identity;
using LiveShop.Core.Sales;
using LiveShop.Core.Streams;
using LiveShop.LocalRunner;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LiveShop.BrowserTests;

/// <summary>
/// The local runner on a free loopback port and one headless chromium for all the browser tests. Playwright's own
/// browser download cannot work here: it drives Debian's chromium package (CHROMIUM_PATH, else /usr/bin/chromium;
/// .ci/run installs it). Each test seeds a stream of its own, so no test depends on another's data.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private WebApplication? _app;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = LocalRunnerApp.Build(["--urls=http://127.0.0.1:0", "--LocalRunner:Seed=false", "--Logging:LogLevel:Default=Warning"]);
        await _app.StartAsync();
        BaseUrl = _app.Urls.First();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            Args = ["--no-sandbox"],
        });
        Assertions.SetDefaultExpectTimeout(15_000);
    }

    /// <summary>A new live stream of the demo merchant (six products, the first pinned, a flash sale on it in a minute).</summary>
    public Task<string> NewStreamAsync()
    {
        var services = _app!.Services;
        return DemoData.SeedAsync(
            services.GetRequiredService<CatalogService>(),
            services.GetRequiredService<StreamService>(),
            services.GetRequiredService<FlashSaleService>(),
            services.GetRequiredService<LiveShop.Core.Live.ISaleScheduler>(),
            services.GetRequiredService<TimeProvider>(),
            CancellationToken.None);
    }

    /// <summary>Adds a one-SKU product with <paramref name="units"/> in stock to the stream's showcase (at its end).</summary>
    public async Task AddProductAsync(string streamId, string title, long units)
    {
        var services = _app!.Services;
        var merchant = new Caller("demo-merchant-user", Role.Merchant, DemoData.MerchantId);
        var product = await services.GetRequiredService<CatalogService>().CreateAsync(
            merchant,
            DemoData.MerchantId,
            new ProductInput("us", title, "A product with few units.", [], [new SkuInput("only", new Dictionary<string, string> { ["size"] = "One size" }, new MoneyInput(999, "USD"), units)]),
            CancellationToken.None);
        await services.GetRequiredService<StreamService>().AddToShowcaseAsync(
            merchant, streamId, new ShowcaseAddInput(product.Value.Id, null), null, CancellationToken.None);
    }

    /// <summary>A page of its own browser context (its own cookies and storage), signed in as <paramref name="subject"/>.</summary>
    public async Task<IPage> OpenAsync(string page, string streamId, string? subject)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        var opened = await context.NewPageAsync();
        await opened.GotoAsync($"{BaseUrl}{page}?stream={Uri.EscapeDataString(streamId)}{(subject is null ? string.Empty : "&as=" + subject)}");
        if (subject is not null)
        {
            await Assertions.Expect(opened.Locator("#signin-status")).ToContainTextAsync("Signed in as");
        }

        return opened;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private static string ChromiumPath()
    {
        var path = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : "/usr/lib/chromium/chromium";
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Chromium is not installed at {path}: apt-get install chromium (or set CHROMIUM_PATH).", path);
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

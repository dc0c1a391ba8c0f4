using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using LiveShop.Azure.Cosmos;
using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Configuration;
using LiveShop.Core.Identity;
using LiveShop.Core.Orders;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage;
using LiveShop.Core.Streams;
using LiveShop.Functions.Http;
using LiveShop.LocalCosmosServer;
using LiveShop.LocalRunner;
using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;

namespace LiveShop.Benchmarks;

/// <summary>
/// (b) The whole flash sale through the local runner on the local Cosmos server: a live stream, a flash sale of
/// <see cref="FlashSaleOptions.CheckoutUnits"/> units on one SKU (its whole stock), and
/// <see cref="FlashSaleOptions.CheckoutBuyers"/> viewers who each POST a buy-now checkout of 1 unit the moment it starts,
/// then poll the status URL as its Retry-After says until the checkout is paid or rejected. The race runs twice, each
/// time on a runner of its own: on the app as it is, and on the baseline stock strategy (one stock document per SKU,
/// changed by ETag read-modify-write), everything else the same.
/// </summary>
public static class CheckoutRace
{
    private const string Merchant = "bench-flash-merchant";
    private const string Sku = "flash-m";
    private static readonly TimeSpan Countdown = FlashSaleService.MinCountdown + TimeSpan.FromSeconds(5);

    public static async Task<bool> RunAsync(FlashSaleOptions options, CosmosServerProcess server, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(server);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            (b) Flash-sale checkout race through the local runner (Storage:Provider=Cosmos, the local Cosmos server above):
                {options.CheckoutBuyers} viewers, each POSTing one buy-now checkout of 1 unit (card pm_card_visa) the moment a
                {options.CheckoutUnits}-unit flash sale starts (the SKU's whole stock), then polling the status URL as Retry-After says;
                once on the app's stock ledger, then on the baseline (each on a runner of its own, after 20 warm-up checkouts)

            """));
        var chosen = await RaceAsync(options, server, "chosen", $"chosen: StockLedger ({StockLedger.ShardCountFor(options.CheckoutUnits)} shards, snapshot, filtered patch)", null, ct);
        EtagStockStore? etag = null;
        var baseline = await RaceAsync(options, server, "baseline", "baseline: 1 stock document, ETag read-modify-write", builder =>
        {
            // The same checkout on one stock document per SKU, each change a read and an ETag-conditional replace
            // (retried on 412), and no snapshot: every reservation reads the document first.
            builder.Services.AddSingleton<IStockStore>(sp =>
                etag = new EtagStockStore(new CosmosStockStore(sp.GetRequiredService<CosmosClient>(), PlatformDefinitions.CosmosDatabase)));
            builder.Services.AddSingleton(sp => new StockLedger(sp.GetRequiredService<IStockStore>(), sp.GetRequiredService<TimeProvider>(), TimeSpan.Zero, maxShards: 1));
        }, ct);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
              baseline's stock replaces refused (412, read again): {etag?.Conflicts ?? 0}
              ratio chosen/baseline: checkouts finished/s {chosen.FinishedPerSecond / baseline.FinishedPerSecond:F2}, time to final status written p50 {baseline.WrittenP50 / chosen.WrittenP50:F2}x shorter, checkout starts/s {chosen.StartsPerSecond / baseline.StartsPerSecond:F2}

            """));
        return chosen.Sound && baseline.Sound;
    }

    /// <summary>What one race measured.</summary>
    private sealed record RaceResult(double StartsPerSecond, double FinishedPerSecond, double WrittenP50, bool Sound);

    /// <summary>One race on a runner of its own; <paramref name="configure"/> swaps the app's services (the baseline's stock).</summary>
    private static async Task<RaceResult> RaceAsync(
        FlashSaleOptions options, CosmosServerProcess server, string label, string strategy, Action<WebApplicationBuilder>? configure, CancellationToken ct)
    {
        await using var runner = LocalRunnerApp.Build(
        [
            "--urls=http://127.0.0.1:0",
            $"--{LocalRunnerApp.SeedSetting}=false",
            $"--{SettingNames.StorageProvider}={StorageProviders.Cosmos}",
            $"--{SettingNames.CosmosEndpoint}={server.Endpoint}",
            $"--{SettingNames.CosmosKey}={CosmosServerProcess.LocalKey}",
            $"--{SettingNames.CosmosEmulator}=true",
            "--Logging:LogLevel:Default=Warning",
        ], configure);
        await runner.StartAsync(ct);
        await LocalRunnerApp.SeedAsync(runner, ct); // creates the containers; no demo data
        var tokens = runner.Services.GetRequiredService<DevTokens>();
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri(runner.Urls.Single()),
            Timeout = TimeSpan.FromMinutes(5),
        };

        var setup = await SetUpAsync(http, tokens.Issue("bench-merchant-user", Role.Merchant, Merchant), options.CheckoutUnits, ct);
        await WarmUpAsync(http, tokens, setup, label, ct);
        var wait = setup.StartsAt - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait + TimeSpan.FromMilliseconds(200), ct);
        }

        var buyerTokens = Enumerable.Range(0, options.CheckoutBuyers).Select(i => tokens.Issue($"bench-buyer-{label}-{i}", Role.Viewer)).ToList();
        var started = new Latencies();
        var seen = new Latencies();
        var written = new Latencies();
        var outcomes = new ConcurrentBag<CheckoutView>();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long lastAccepted = 0;
        long polls = 0;
        TimeSpan? pollEvery = options.PollSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

        async Task BuyerAsync(int i)
        {
            await go.Task;
            var postedAt = DateTimeOffset.UtcNow;
            var posted = Stopwatch.GetTimestamp();
            var body = new CheckoutInput("us", "pm_card_visa", new BuyNowInput(Merchant, setup.ProductId, Sku, 1, setup.StreamId), null);
            var (view, retryAfter) = await SendAsync(http, HttpMethod.Post, $"/api/{Routes.Checkouts}", buyerTokens[i], body, $"flash-{label}-{i}", HttpStatusCode.Accepted, ct);
            started.AddSince(posted);
            InterlockedMax(ref lastAccepted, Stopwatch.GetTimestamp());
            while (!IsFinal(view))
            {
                await Task.Delay(pollEvery ?? retryAfter ?? TimeSpan.FromSeconds(1), ct);
                Interlocked.Increment(ref polls);
                (view, retryAfter) = await SendAsync(http, HttpMethod.Get, $"/api/{Routes.Format(Routes.Checkout, view.Id)}", buyerTokens[i], null, null, HttpStatusCode.OK, ct);
            }

            seen.AddSince(posted);
            written.Add(view.UpdatedAt - postedAt);
            outcomes.Add(view);
        }

        var buyers = Enumerable.Range(0, options.CheckoutBuyers).Select(BuyerAsync).ToList();
        var start = Stopwatch.GetTimestamp();
        go.SetResult();
        await Task.WhenAll(buyers);
        var allFinal = Stopwatch.GetElapsedTime(start);
        var startsElapsed = Stopwatch.GetElapsedTime(start, Interlocked.Read(ref lastAccepted));

        var stored = await StoredAsync(server, setup, ct);
        var paid = outcomes.Count(o => o.Status == "paid");
        var reasons = outcomes.Where(o => o.Status != "paid").GroupBy(o => o.Rejection?.Reason ?? o.Status).OrderByDescending(g => g.Count())
            .Select(g => $"{g.Key} {g.Count()}");
        var oversold = Math.Max(0, Math.Max(stored.Sold, Math.Max(stored.PaidOrders, paid)) - options.CheckoutUnits) + stored.Negative;
        var sound = oversold == 0 && stored.Reserved == 0 && stored.Sold == paid && stored.PaidOrders == paid;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
              {strategy}
              buyers {options.CheckoutBuyers}, units {options.CheckoutUnits}: paid orders {stored.PaidOrders} (stored), checkouts paid {paid}, not paid {options.CheckoutBuyers - paid} ({string.Join(", ", reasons)})
              stored stock: sold {stored.Sold}, reserved {stored.Reserved}, available {stored.Available}, flash-sale units left {stored.SaleLeft}; oversold {oversold}{(sound ? string.Empty : "  INCONSISTENT")}
              checkout starts/s: {options.CheckoutBuyers / startsElapsed.TotalSeconds:F0} ({options.CheckoutBuyers} POSTs answered 202 in {startsElapsed.TotalSeconds:F2} s; POST -> 202 p50 {started.Percentile(50):F0} ms, p99 {started.Percentile(99):F0} ms)
              POST -> final status seen by polling:  p50 {seen.Percentile(50) / 1000:F2} s, p99 {seen.Percentile(99) / 1000:F2} s  ({polls} status polls, {(pollEvery is null ? "every Retry-After = 1 s" : $"every {pollEvery.Value.TotalSeconds:F0} s")}; each is one Cosmos point read)
              POST -> final status written (the checkout's updatedAt): p50 {written.Percentile(50) / 1000:F2} s, p99 {written.Percentile(99) / 1000:F2} s
              every checkout final after {allFinal.TotalSeconds:F1} s: {options.CheckoutBuyers / allFinal.TotalSeconds:F0} checkouts finished/s

            """));
        await runner.StopAsync(CancellationToken.None);
        return new RaceResult(options.CheckoutBuyers / startsElapsed.TotalSeconds, options.CheckoutBuyers / allFinal.TotalSeconds, written.Percentile(50), sound);
    }

    private static bool IsFinal(CheckoutView view) => view.Status is "paid" or "rejected";

    private sealed record Setup(string ProductId, string WarmProductId, string StreamId, DateTimeOffset StartsAt);

    /// <summary>Through the API, as the merchant: the sale's product, a warm-up product, a live stream showing both, and the flash sale.</summary>
    private static async Task<Setup> SetUpAsync(HttpClient http, string merchantToken, int units, CancellationToken ct)
    {
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", merchantToken);
        try
        {
            async Task<string> ProductAsync(string title, long stock)
            {
                var input = new ProductInput("us", title, "The flash-sale benchmark's product.", ["https://images.example.com/bench/flash.jpg"],
                    [new SkuInput(Sku, new Dictionary<string, string> { ["size"] = "M" }, new MoneyInput(4900, "USD"), stock)]);
                using var created = await ApiCalls.SendAsync(http, HttpMethod.Post, $"/api/{Routes.Format(Routes.MerchantProducts, Merchant)}", input, null, ct);
                return await ApiCalls.IdAsync(created, ct);
            }

            var product = await ProductAsync("Flash-sale hoodie", units);
            var warm = await ProductAsync("Warm-up tee", 1000);
            var stream = new StreamInput("us", "Bench flash sale", DateTimeOffset.UtcNow.AddMinutes(1), "https://video.example.com/live/flash.m3u8");
            using var createdStream = await ApiCalls.SendAsync(http, HttpMethod.Post, $"/api/{Routes.Streams}", stream, null, ct);
            var streamId = await ApiCalls.IdAsync(createdStream, ct);
            using var showcase = await ApiCalls.SendAsync(
                http, HttpMethod.Put, $"/api/{Routes.Format(Routes.StreamShowcase, streamId)}", new ShowcaseInput([product, warm]), ApiCalls.ETagOf(createdStream), ct);
            using var live = await ApiCalls.SendAsync(http, HttpMethod.Post, $"/api/{Routes.Format(Routes.StreamStart, streamId)}", null, null, ct);
            var startsAt = DateTimeOffset.UtcNow + Countdown;
            var input = new FlashSaleInput(product, Sku, new MoneyInput(2900, "USD"), units, 1, startsAt, FlashSaleService.MaxDurationSeconds);
            using var sale = await ApiCalls.SendAsync(http, HttpMethod.Post, $"/api/{Routes.Format(Routes.StreamSales, streamId)}", input, null, ct);
            var view = (await sale.Content.ReadFromJsonAsync<FlashSaleView>(ApiJson.Options, ct))!;
            return new Setup(product, warm, streamId, view.StartsAt);
        }
        finally
        {
            http.DefaultRequestHeaders.Authorization = null;
        }
    }

    /// <summary>During the countdown: a few checkouts of the warm-up product, so the race does not pay the first calls' JIT and SDK lookups.</summary>
    private static async Task WarmUpAsync(HttpClient http, DevTokens tokens, Setup setup, string label, CancellationToken ct)
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            var token = tokens.Issue($"bench-warm-{label}-{i}", Role.Viewer);
            var body = new CheckoutInput("us", "pm_card_visa", new BuyNowInput(Merchant, setup.WarmProductId, Sku, 1, setup.StreamId), null);
            var (view, _) = await SendAsync(http, HttpMethod.Post, $"/api/{Routes.Checkouts}", token, body, $"warm-{label}-{i}", HttpStatusCode.Accepted, ct);
            while (!IsFinal(view))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
                (view, _) = await SendAsync(http, HttpMethod.Get, $"/api/{Routes.Format(Routes.Checkout, view.Id)}", token, null, null, HttpStatusCode.OK, ct);
            }

            if (view.Status != "paid")
            {
                throw new InvalidOperationException($"A warm-up checkout was not paid: {view.Status} ({view.Rejection?.Reason}: {view.Rejection?.Detail}).");
            }
        }));
    }

    private static async Task<(CheckoutView View, TimeSpan? RetryAfter)> SendAsync(
        HttpClient http, HttpMethod method, string path, string token, object? body, string? idempotencyKey, HttpStatusCode expected, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ApiJson.Options);
        }

        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }

        var view = (await response.Content.ReadFromJsonAsync<CheckoutView>(ApiJson.Options, ct))!;
        return (view, response.Headers.RetryAfter?.Delta);
    }

    /// <summary>The SKU's stock and the merchant's paid orders, read from the stored documents with a client of our own.</summary>
    private static async Task<(long Sold, long Reserved, long Available, long SaleLeft, long Negative, int PaidOrders)> StoredAsync(
        CosmosServerProcess server, Setup setup, CancellationToken ct)
    {
        using var client = CosmosClientFactory.Create(new CosmosOptions { Endpoint = server.Endpoint, Key = CosmosServerProcess.LocalKey, Emulator = true });
        var stock = new CosmosStockStore(client, PlatformDefinitions.CosmosDatabase);
        var shards = await stock.ReadAsync(Enumerable.Range(0, StockLedger.MaxShards).Select(i => StockShard.IdOf(setup.ProductId, Sku, i)).ToList(), ct);
        var orders = new CosmosOrderStore(client, PlatformDefinitions.CosmosDatabase);
        var paidOrders = 0;
        string? after = null;
        do
        {
            var page = await orders.ListByMerchantAsync(Merchant, after, 100, ct);
            paidOrders += page.Items.Count(o => o.Status == OrderStatus.Paid && o.Lines.Any(l => l.ProductId == setup.ProductId));
            after = page.NextAfter;
        }
        while (after is not null);

        return (shards.Sum(s => s.Sold), shards.Sum(s => s.Reserved), shards.Sum(s => s.Available), shards.Sum(s => s.SaleLeft),
            shards.Sum(s => Math.Max(0, -s.Available)), paidOrders);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Identity;
using LiveShop.Core.Live;
using LiveShop.Core.Sales;
using LiveShop.Core.Streams;
using LiveShop.Functions.Http;
using LiveShop.LocalRunner;
using LiveShop.LocalRunner.LocalSignalR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace LiveShop.Benchmarks;

/// <summary>
/// Scenario "live", through the local runner and its SignalR stand-in, with real .NET SignalR clients (WebSockets) in this
/// process: (a) pin fan-out: N connections on one stream, P pins; messages lost, REST calls per pin, and delivery latency
/// from the pin request's answer to each client's receipt. (b) A flash sale of one SKU bought by B buyers (1 unit each,
/// pm_card_visa) the moment it starts, watched by W connections: each watcher's saleChanged messages per clock second,
/// and whether its last state is the sale's final state.
/// </summary>
public static class LiveBenchmark
{
    public const string Scenario = "live";

    public const string Usage = "Usage: LiveShop.Benchmarks live [--viewers 2000] [--pins 20] [--buyers 1000] [--watchers 500] [--units 300]";

    private const string Merchant = "bench-live-merchant";

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var options = Options(args);
        if (options is null)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        await using var runner = LocalRunnerApp.Build(
            ["--urls=http://127.0.0.1:0", $"--{LocalRunnerApp.SeedSetting}=false", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.AspNetCore=Warning"]);
        await runner.StartAsync(ct);
        var url = new Uri(runner.Urls.Single());
        using var http = new HttpClient { BaseAddress = url };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            LiveShop live benchmark  {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC
              machine      {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, server GC: {System.Runtime.GCSettings.IsServerGC}
              runner       {url} (in-memory storage), SignalR stand-in {runner.Configuration["SignalR:Endpoint"]}; clients: Microsoft.AspNetCore.SignalR.Client, WebSockets, in this process

            """));

        // Figures, not a gate: a target not met is printed as such, and the exit code stays 0.
        await PinFanOutAsync(runner, http, options, ct);
        await FlashSaleAsync(runner, http, options, ct);
        await runner.StopAsync(CancellationToken.None);
        return 0;
    }

    private static async Task PinFanOutAsync(WebApplication runner, HttpClient http, LiveOptions options, CancellationToken ct)
    {
        var service = runner.Services.GetRequiredService<LocalSignalRService>();
        var (stream, products) = await LiveStreamAsync(runner, 2, 100, ct);
        var token = Tokens(runner).Issue("bench-merchant-user", Role.Merchant, Merchant);
        var receipts = new ConcurrentDictionary<(int Client, long Revision), long>();
        var connectWatch = Stopwatch.StartNew();
        var clients = await ConnectAsync(runner, url: http.BaseAddress!, stream, options.Viewers, (i, connection) =>
            connection.On<JsonElement>(LiveMethods.Pinned, m => receipts.TryAdd((i, m.GetProperty("revision").GetInt64()), Stopwatch.GetTimestamp())), ct);
        var connectSeconds = connectWatch.Elapsed.TotalSeconds;

        // The viewer count's coalesced messages (one per 2 s) settle before any pin is measured.
        await Task.Delay(LiveNotifier.AudienceWindow * 2, ct);

        // Not measured: two pins to warm every path up.
        var revision = 0L;
        for (var i = 0; i < 2; i++)
        {
            revision = (await PinAsync(http, token, stream, products[i % 2], ct)).Revision;
            await AllReceivedAsync(receipts, options.Viewers, revision, ct);
        }

        var latencies = new Latencies();
        var fromRequest = new Latencies();
        var early = 0;
        var restPerPin = new List<long>();
        var pinnedSendsPerPin = new List<long>();
        var lost = 0L;
        for (var p = 0; p < options.Pins; p++)
        {
            var restBefore = service.RestCalls;
            var pinnedBefore = service.SendsOf(LiveMethods.Pinned);
            var sentAt = Stopwatch.GetTimestamp();
            var (pinRevision, answeredAt) = await PinAsync(http, token, stream, products[p % 2], ct);
            var received = await AllReceivedAsync(receipts, options.Viewers, pinRevision, ct);
            restPerPin.Add(service.RestCalls - restBefore);
            pinnedSendsPerPin.Add(service.SendsOf(LiveMethods.Pinned) - pinnedBefore);
            lost += options.Viewers - received;
            for (var i = 0; i < options.Viewers; i++)
            {
                if (receipts.TryGetValue((i, pinRevision), out var at))
                {
                    if (at < answeredAt)
                    {
                        early++;
                    }

                    latencies.Add(Stopwatch.GetElapsedTime(answeredAt, Math.Max(at, answeredAt)));
                    fromRequest.Add(Stopwatch.GetElapsedTime(sentAt, at));
                }
            }

            await Task.Delay(200, ct);
        }

        var p99 = latencies.Percentile(99);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            (a) Pin fan-out: {options.Viewers} connections on one stream (connected and in the stream's group in {connectSeconds:F1} s), {options.Pins} pins, one after another
                messages lost        {lost} of {(long)options.Viewers * options.Pins}
                REST calls per pin   {string.Join(", ", restPerPin.Distinct().Order())} (every REST call the stand-in received while each pin was delivered; "pinned" sends: {string.Join(", ", pinnedSendsPerPin.Distinct().Order())})
                delivery latency     p50 {latencies.Percentile(50):F1} ms, p99 {p99:F1} ms, max {latencies.Percentile(100):F1} ms, from the pin request's answer to receipt
                                     ({early} of {latencies.Count} arrived before the answer did, counted as 0 ms: the app sends before it answers)
                from the request     p50 {fromRequest.Percentile(50):F1} ms, p99 {fromRequest.Percentile(99):F1} ms, max {fromRequest.Percentile(100):F1} ms, from sending the pin request to receipt
                target               p99 <= 250 ms: {(p99 <= 250 ? "met" : "NOT met")}; lost 0: {(lost == 0 ? "met" : "NOT met")}; 1 REST call per pin: {(restPerPin.All(r => r == 1) ? "met" : "NOT met")}

            """));
        await DisposeAllAsync(clients);
    }

    private static async Task FlashSaleAsync(WebApplication runner, HttpClient http, LiveOptions options, CancellationToken ct)
    {
        var service = runner.Services.GetRequiredService<LocalSignalRService>();
        var (stream, products) = await LiveStreamAsync(runner, 1, options.Units, ct);
        var product = products[0];
        var messages = new ConcurrentQueue<(int Client, long Sequence, string State, long UnitsLeft, DateTimeOffset At)>();
        var clients = await ConnectAsync(runner, http.BaseAddress!, stream, options.Watchers, (i, connection) =>
            connection.On<JsonElement>(LiveMethods.SaleChanged, m => messages.Enqueue((
                i, m.GetProperty("sequence").GetInt64(), m.GetProperty("state").GetString()!, m.GetProperty("unitsLeft").GetInt64(), DateTimeOffset.UtcNow))), ct);

        var sales = runner.Services.GetRequiredService<FlashSaleService>();
        var clock = runner.Services.GetRequiredService<TimeProvider>();
        var sale = await sales.CreateAsync(
            new Caller("bench-merchant-user", Role.Merchant, Merchant),
            stream,
            new FlashSaleInput(product, "bench-m", new MoneyInput(999, "USD"), options.Units, 1, clock.GetUtcNow() + FlashSaleService.MinCountdown + TimeSpan.FromSeconds(1), 300),
            runner.Services.GetRequiredService<ISaleScheduler>(),
            ct);

        // The buyers wait for the sale's start as their app would: its saleChanged "active".
        var tokens = Enumerable.Range(0, options.Buyers).Select(i => Tokens(runner).Issue($"bench-buyer-{i}", Role.Viewer)).ToList();
        while (!messages.Any(m => m.State == "active"))
        {
            await Task.Delay(20, ct);
        }

        var sendsBefore = service.Sends;
        var byMethodBefore = LiveMethods.All.ToDictionary(m => m, service.SendsOf);
        var saleWatch = Stopwatch.StartNew();
        var started = await Task.WhenAll(tokens.Select(async (token, i) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/{HostJson.Prefix}/{Routes.Checkouts}")
            {
                Content = JsonContent.Create(new CheckoutInput("us", "pm_card_visa", new BuyNowInput(Merchant, product, "bench-m", 1, stream), null), options: ApiJson.Options),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("Idempotency-Key", $"bench-{i}");
            using var response = await http.SendAsync(request, ct);
            return (await response.Content.ReadFromJsonAsync<CheckoutView>(ApiJson.Options, ct))!.Id;
        }));
        var durable = runner.Services.GetRequiredService<DurableTaskClient>();
        await Task.WhenAll(started.Select(id => durable.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false, ct)));
        var checkoutSeconds = saleWatch.Elapsed.TotalSeconds;

        // Let the last coalesced slot (500 ms) go out, then read the sale as the API shows it.
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        var sendsDuring = service.Sends - sendsBefore;
        var byMethod = string.Join(", ", LiveMethods.All.Select(m => (Method: m, Count: service.SendsOf(m) - byMethodBefore[m])).Where(x => x.Count > 0).Select(x => $"{x.Count} {x.Method}"));
        var final = (await http.GetFromJsonAsync<StreamSalesView>($"/{HostJson.Prefix}/{Routes.Format(Routes.StreamSales, stream)}", ApiJson.Options, ct))!
            .Sales.Single(s => s.Id == sale.Id);
        var byClient = messages.GroupBy(m => m.Client).ToDictionary(g => g.Key, g => g.ToList());
        var perSecond = byClient.Values.Select(list => list.GroupBy(m => m.At.ToUnixTimeSeconds()).Max(g => g.Count())).ToList();
        var lastStates = byClient.Values.Select(list => list.MaxBy(m => m.Sequence)).ToList();
        var matching = lastStates.Count(m => m.State == final.State && m.UnitsLeft == final.UnitsLeft);
        var received = byClient.Values.Select(l => l.Count).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            (b) Flash sale: {options.Units} units, 1 per buyer, {options.Buyers} buyers checking out (pm_card_visa) the moment it starts, {options.Watchers} connections watching
                checkouts            all final in {checkoutSeconds:F1} s; final sale state {final.State}{(final.EndedReason is null ? string.Empty : "/" + final.EndedReason)}, units left {final.UnitsLeft}
                service sends        {sendsDuring} REST sends while {options.Buyers} buyers checked out: {byMethod}
                                     (checkout: one notice per buyer, sent to that buyer; the stream's messages are coalesced, none per purchase)
                saleChanged/s        per watcher, most in one clock second: max {perSecond.Max()} (target <= 2: {(perSecond.Max() <= 2 ? "met" : "NOT met")}); messages per watcher {received.Min()}-{received.Max()}
                last state = final   {matching} of {options.Watchers} watchers ({byClient.Count} received any)

            """));
        await DisposeAllAsync(clients);
    }

    /// <summary>A live stream of the benchmark merchant with <paramref name="count"/> products in its showcase.</summary>
    private static async Task<(string Stream, IReadOnlyList<string> Products)> LiveStreamAsync(WebApplication runner, int count, long stock, CancellationToken ct)
    {
        var merchant = new Caller("bench-merchant-user", Role.Merchant, Merchant);
        var catalog = runner.Services.GetRequiredService<CatalogService>();
        var streams = runner.Services.GetRequiredService<StreamService>();
        var products = new List<string>();
        for (var i = 0; i < count; i++)
        {
            products.Add((await catalog.CreateAsync(merchant, Merchant, new ProductInput(
                "us", $"Live product {i + 1}", "A product the live benchmark pins.", [$"https://images.example.com/bench/{i}.jpg"],
                [new SkuInput("bench-m", new Dictionary<string, string> { ["size"] = "M" }, new MoneyInput(1999, "USD"), stock)]), ct)).Value.Id);
        }

        var stream = await streams.CreateAsync(merchant, new StreamInput("us", "Live benchmark", DateTimeOffset.UtcNow.AddMinutes(1), "https://video.example.com/live/bench.m3u8"), ct);
        await streams.ReplaceShowcaseAsync(merchant, stream.Value.Id, new ShowcaseInput(products), stream.ETag, ct);
        await streams.StartAsync(merchant, stream.Value.Id, null, ct);
        return (stream.Value.Id, products);
    }

    /// <summary>Connects <paramref name="count"/> clients to the stream (50 at a time) and waits until each is in the stream's group.</summary>
    private static async Task<List<HubConnection>> ConnectAsync(WebApplication runner, Uri url, string stream, int count, Action<int, HubConnection> subscribe, CancellationToken ct)
    {
        var service = runner.Services.GetRequiredService<LocalSignalRService>();
        var clients = new HubConnection[count];
        using var gate = new SemaphoreSlim(50);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var connection = new HubConnectionBuilder()
                    .WithUrl(new Uri(url, $"/{HostJson.Prefix}/{Routes.Format(Routes.Stream, stream)}"), o => o.Transports = HttpTransportType.WebSockets)
                    .Build();
                subscribe(i, connection);
                await connection.StartAsync(ct);
                await service.WhenJoinedAsync(connection.ConnectionId!, LiveGroups.Stream(stream)).WaitAsync(TimeSpan.FromSeconds(60), ct);
                clients[i] = connection;
            }
            finally
            {
                gate.Release();
            }
        }));
        return [.. clients];
    }

    private static async Task<(long Revision, long AnsweredAt)> PinAsync(HttpClient http, string token, string stream, string product, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/{HostJson.Prefix}/{Routes.Format(Routes.StreamPin, stream)}")
        {
            Content = JsonContent.Create(new PinInput(product, null), options: ApiJson.Options),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadFromJsonAsync<LiveStream>(ApiJson.Options, ct);
        var answeredAt = Stopwatch.GetTimestamp();
        response.EnsureSuccessStatusCode();
        return (body!.LastPinEvent!.Revision, answeredAt);
    }

    /// <summary>Waits until every client received the pin (or 10 s passed); returns how many did.</summary>
    private static async Task<int> AllReceivedAsync(ConcurrentDictionary<(int Client, long Revision), long> receipts, int clients, long revision, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        int received;
        while ((received = Enumerable.Range(0, clients).Count(i => receipts.ContainsKey((i, revision)))) < clients && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(5, ct);
        }

        return received;
    }

    private static async Task DisposeAllAsync(IEnumerable<HubConnection> clients) =>
        await Task.WhenAll(clients.Where(c => c is not null).Select(c => c.DisposeAsync().AsTask()));

    private static DevTokens Tokens(WebApplication runner) => runner.Services.GetRequiredService<DevTokens>();

    private static LiveOptions? Options(string[] args)
    {
        var values = new Dictionary<string, int> { ["--viewers"] = 2000, ["--pins"] = 20, ["--buyers"] = 1000, ["--watchers"] = 500, ["--units"] = 300 };
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!values.ContainsKey(args[i]) || i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                return null;
            }

            values[args[i]] = value;
        }

        return new LiveOptions(values["--viewers"], values["--pins"], values["--buyers"], values["--watchers"], values["--units"]);
    }

    private sealed record LiveOptions(int Viewers, int Pins, int Buyers, int Watchers, int Units);
}

using System.Globalization;
using System.Runtime.InteropServices;
using LiveShop.Benchmarks;
using LiveShop.Core.Configuration;
using LiveShop.LocalRunner;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var ct = cancel.Token;

// Scenario flash-sale: the stock reservation race and the checkout race on a local Cosmos server (FlashSaleBenchmark).
if (args.Length > 0 && args[0] == FlashSaleOptions.Scenario)
{
    var flashSale = FlashSaleOptions.Parse(args[1..], out var flashSaleError);
    if (flashSale is null)
    {
        if (flashSaleError is not null)
        {
            Console.Error.WriteLine(flashSaleError);
        }

        Console.Error.WriteLine(FlashSaleOptions.Usage);
        return flashSaleError is null ? 0 : 2;
    }

    return await FlashSaleBenchmark.RunAsync(flashSale, ct);
}

// Scenario live: pin fan-out to real SignalR clients, and a flash sale watched live (LiveBenchmark).
if (args.Length > 0 && args[0] == LiveBenchmark.Scenario)
{
    return await LiveBenchmark.RunAsync(args[1..], ct);
}

// Scenario hot-read (the default): the viewers' hot read (GET /api/streams/{streamId}, a live stream with a
// 20-product showcase) through the local runner, against a bare ASP.NET Core endpoint writing the same bytes, both
// loaded by wrk with identical settings. Both servers live in this process (same runtime, GC mode and thread pool);
// each is measured alone while the other sits idle, and from round to round the order alternates.
var options = BenchmarkOptions.Parse(args.Length > 0 && args[0] == BenchmarkOptions.Scenario ? args[1..] : args, out var error);
if (options is null)
{
    if (error is not null)
    {
        Console.Error.WriteLine(error);
    }

    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return error is null ? 0 : 2;
}

if (!Wrk.IsInstalled())
{
    Console.Error.WriteLine($"wrk (the HTTP load generator) is not on PATH. Install it, then run again: {Wrk.InstallHint}");
    return 3;
}

const string loopback = "http://127.0.0.1:0";

await using var runner = LocalRunnerApp.Build(
    [$"--urls={loopback}", $"--{LocalRunnerApp.SeedSetting}=false", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.AspNetCore=Warning"]);
await runner.StartAsync(ct);
await LocalRunnerApp.SeedAsync(runner, ct);
var runnerUrl = new Uri(runner.Urls.Single());

HotRead read;
using (var client = new HttpClient { BaseAddress = runnerUrl })
{
    read = await HotReadScenario.CreateAsync(client, ct);
}

await using var bare = BareEndpoint.Build(read, loopback);
await bare.StartAsync(ct);
var bareUrl = new Uri(bare.Urls.Single());

// Not timed: both endpoints must answer with the very same body and content type.
var runnerBody = await FetchAsync(runnerUrl, read.Path, ct);
var bareBody = await FetchAsync(bareUrl, read.Path, ct);
var identical = runnerBody.Body.AsSpan().SequenceEqual(bareBody.Body) && runnerBody.ContentType == bareBody.ContentType;

var cacheMs = runner.Configuration[SettingNames.StreamCacheMilliseconds] ?? "2000 (default)";
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
    LiveShop hot-read benchmark  {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC
      machine      {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, server GC: {System.Runtime.GCSettings.IsServerGC}
      request      GET {read.Path}  (live stream, {HotReadScenario.ShowcaseSize}-product showcase; runner cache {cacheMs} ms)
      response     {read.Body.Length} bytes, {read.ContentType}; runner and bare bodies byte-identical: {(identical ? "yes" : "NO")}
      load         wrk -t{options.Threads} -c{options.Connections} -d{options.DurationSeconds}s --latency, each after a {options.WarmupSeconds}s warm-up run; {options.Rounds} round(s), after a first warm-up of both
      runner       {runnerUrl}    bare  {bareUrl}

    """));
if (!identical)
{
    Console.Error.WriteLine($"The bodies differ: runner {runnerBody.Body.Length} bytes ({runnerBody.ContentType}), bare {bareBody.Body.Length} bytes ({bareBody.ContentType}).");
    return 1;
}

var targets = new[] { (Name: "local runner", Url: new Uri(runnerUrl, read.Path)), (Name: "bare ASP.NET Core", Url: new Uri(bareUrl, read.Path)) };
var results = targets.ToDictionary(t => t.Name, _ => new List<WrkResult>());

// Both servers share Kestrel's code in this process: warm both up before any measured run, so the first target
// measured does not pay the JIT (tiered compilation) cost that the second then gets for free.
foreach (var (_, url) in targets)
{
    await Wrk.RunAsync(url, options.Threads, options.Connections, options.WarmupSeconds, ct);
}

Console.WriteLine($"{"round",-6} {"target",-18} {"requests/s",12} {"p50 ms",9} {"p99 ms",9}  notes");
for (var round = 1; round <= options.Rounds; round++)
{
    foreach (var (name, url) in round % 2 == 1 ? targets : targets.Reverse())
    {
        // Same conditions for each: a collected heap, a quiet second, a warm-up run, then the measured run.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        await Wrk.RunAsync(url, options.Threads, options.Connections, options.WarmupSeconds, ct);
        var result = await Wrk.RunAsync(url, options.Threads, options.Connections, options.DurationSeconds, ct);
        results[name].Add(result);
        var notes = result.Clean ? string.Empty : $"INVALID: {result.Non2xx3xx} non-2xx/3xx, {result.SocketErrors} socket errors";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{round,-6} {name,-18} {result.RequestsPerSecond,12:F0} {result.P50Milliseconds,9:F2} {result.P99Milliseconds,9:F2}  {notes}"));
    }
}

// Each round's two runs are back to back, so their ratio cancels the machine's slower drifts; the median of the
// per-round ratios is the figure compared with the target.
var roundRatios = results[targets[0].Name].Zip(results[targets[1].Name], (r, b) => r.RequestsPerSecond / b.RequestsPerSecond).ToList();
var ratio = Median(roundRatios);
var clean = results.Values.SelectMany(r => r).All(r => r.Clean);
Console.WriteLine();
Console.WriteLine($"{"target",-18} {"requests/s",12} {"p50 ms",9} {"p99 ms",9}{(options.Rounds > 1 ? "   (medians over rounds)" : string.Empty)}");
foreach (var (name, _) in targets)
{
    var runs = results[name];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-18} {Median(runs.Select(r => r.RequestsPerSecond)),12:F0} {Median(runs.Select(r => r.P50Milliseconds)),9:F2} {Median(runs.Select(r => r.P99Milliseconds)),9:F2}"));
}

Console.WriteLine();
Console.WriteLine($"ratio runner/bare per round: {string.Join(", ", roundRatios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"ratio runner/bare: {ratio:F2}{(options.Rounds > 1 ? " (median of rounds)" : string.Empty)}  (target >= {BenchmarkOptions.Target:F1}: {(ratio >= BenchmarkOptions.Target ? "met" : "NOT met")})"));
if (!clean)
{
    Console.WriteLine("Some runs had errors or non-2xx/3xx responses; the figures are not valid.");
    return 1;
}

await bare.StopAsync(CancellationToken.None);
await runner.StopAsync(CancellationToken.None);
return 0;

static async Task<(byte[] Body, string? ContentType)> FetchAsync(Uri server, string path, CancellationToken ct)
{
    using var client = new HttpClient { BaseAddress = server };
    using var response = await client.GetAsync(new Uri(path, UriKind.Relative), ct);
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadAsByteArrayAsync(ct), response.Content.Headers.ContentType?.ToString());
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

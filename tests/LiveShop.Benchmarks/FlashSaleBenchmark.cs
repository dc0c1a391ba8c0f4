using System.Globalization;
using System.Runtime.InteropServices;
using LiveShop.Azure.Cosmos;
using LiveShop.LocalCosmosServer;
using LiveShop.LocalRunner;
using Microsoft.Azure.Cosmos;

namespace LiveShop.Benchmarks;

/// <summary>
/// The flash-sale scenario against a local Cosmos server started here (as the storage tests start it):
/// (a) the reservation race, the chosen stock design against the one-document ETag baseline, and
/// (b) the whole flash sale through the local runner on that server, buy-now checkouts over HTTP.
/// </summary>
public static class FlashSaleBenchmark
{
    private const string ReservationDatabase = "bench-reservations";

    public static async Task<int> RunAsync(FlashSaleOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var server = await CosmosServerProcess.StartAsync();
        LocalCosmos.Prepare();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            LiveShop flash-sale benchmark  {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC
              machine      {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, server GC: {System.Runtime.GCSettings.IsServerGC}
              store        local Cosmos server (@vercel/cosmosdb-server, one Node.js process, data in memory) at {server.Endpoint}, SDK in gateway mode
              load         {LoadAverage()} (1, 5, 15 min) before the run; everything (server, client, runner) shares these cores

            """));

        var ok = true;
        if (options.Reservations)
        {
            ok &= await ReservationsAsync(options, server, ct);
        }

        if (options.Checkouts)
        {
            ok &= await CheckoutRace.RunAsync(options, server, ct);
        }

        Console.WriteLine($"load average after the run: {LoadAverage()}");
        return ok ? 0 : 1;
    }

    /// <summary>The machine's load averages (Linux), to tell a busy machine's figures from a quiet one's.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>(a): each round races both strategies on fresh SKUs, alternating which goes first.</summary>
    private static async Task<bool> ReservationsAsync(FlashSaleOptions options, CosmosServerProcess server, CancellationToken ct)
    {
        var requests = new CosmosRequestCounter();
        using var client = CosmosClientFactory.Create(new CosmosOptions
        {
            Endpoint = server.Endpoint,
            Key = CosmosServerProcess.LocalKey,
            Emulator = true,
            DatabaseName = ReservationDatabase,
            HttpHandlers = [requests],
        });
        var database = await CosmosStorageInitializer.EnsureCreatedAsync(client, ReservationDatabase, ct);
        var baselineContainer = await EtagDocumentStrategy.CreateContainerAsync(database, ct);
        var sku = 0;
        IReservationStrategy Chosen(long units) => new LedgerStrategy(client, ReservationDatabase, $"prd_bench_{++sku}", units);
        IReservationStrategy Baseline(long units) => new EtagDocumentStrategy(baselineContainer, $"stock_bench_{++sku}", units);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            (a) Reservation race: {options.Buyers} concurrent buyers on one SKU of {options.Units} units; each reserves 1 unit, commits it, and again, until sold out
                (after a warm-up race of each strategy; {options.Rounds} round(s), alternating which strategy goes first)

            """));
        // The warm-up runs at the race's concurrency: besides the JIT and the SDK's caches, the SDK (gateway mode) opens
        // one HTTPS connection per concurrent request, and a warm-up with fewer buyers left the first measured race to
        // open the rest (its figure was about half of the later rounds').
        var warmUnits = Math.Max(1000, 2L * options.Buyers);
        foreach (var strategy in new[] { Chosen(warmUnits), Baseline(warmUnits) })
        {
            await ReservationRace.RunAsync(strategy, warmUnits, options.Buyers, $"warm{++sku}", requests, ct);
        }

        Console.WriteLine("    units/s: units reserved and committed per second of the race; reserve, commit: latency of each call, its retries included;");
        Console.WriteLine("    412s: conditional writes refused (the chosen's filter no longer held, the baseline's ETag was stale);");
        Console.WriteLine("    req/unit: Cosmos requests per unit sold; oversold: from the stored documents and from what buyers were told");
        Console.WriteLine();
        Console.WriteLine($"{"round",-6}{"strategy",-50}{"units/s",9}{"reserve p50/p99 ms",20}{"commit p50/p99 ms",19}{"412s",9}{"req/unit",10}{"oversold",10}");
        var results = new List<(ReservationRaceResult Chosen, ReservationRaceResult Baseline)>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            ReservationRaceResult? chosen = null;
            ReservationRaceResult? baseline = null;
            foreach (var isChosen in round % 2 == 1 ? new[] { true, false } : [false, true])
            {
                GC.Collect();
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                var strategy = isChosen ? Chosen(options.Units) : Baseline(options.Units);
                var result = await ReservationRace.RunAsync(strategy, options.Units, options.Buyers, $"r{round}s{++sku}", requests, ct);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{round,-6}{result.Strategy,-50}{result.PerSecond,9:F0}{$"{result.Reserve.Percentile(50):F1} / {result.Reserve.Percentile(99):F1}",20}{$"{result.Commit.Percentile(50):F1} / {result.Commit.Percentile(99):F1}",19}{result.Conflicts,9}{(double)result.CosmosRequests / result.Confirmed,10:F2}{result.Oversold,10}"));
                if (isChosen)
                {
                    chosen = result;
                }
                else
                {
                    baseline = result;
                }
            }

            results.Add((chosen!, baseline!));
        }

        Console.WriteLine();
        foreach (var result in results.SelectMany(r => new[] { r.Chosen, r.Baseline }))
        {
            var s = result.Stored;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  stored, {result.Strategy}: {s.Documents} document(s), on hand {s.OnHand}, available {s.Available}, reserved {s.Reserved}, sold {s.Sold}; buyers told sold {result.Confirmed}; {result.Elapsed.TotalSeconds:F1} s; largest document {s.LargestDocumentBytes / 1024.0:F1} KiB; {(result.Consistent ? "consistent" : "INCONSISTENT")}"));
        }

        var ratios = results.Select(r => r.Chosen.PerSecond / r.Baseline.PerSecond).ToList();
        var ratio = ratios.Order().ElementAt(ratios.Count / 2);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ratio chosen/baseline (units/s): {string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}{(ratios.Count > 1 ? $"; median {ratio:F2}" : string.Empty)}  (target >= {FlashSaleOptions.Target:F0}: {(ratio >= FlashSaleOptions.Target ? "met" : "NOT met")})"));
        Console.WriteLine();
        var sound = results.All(r => r.Chosen.Oversold == 0 && r.Baseline.Oversold == 0 && r.Chosen.Consistent && r.Baseline.Consistent);
        if (!sound)
        {
            Console.WriteLine("  A race oversold or left its documents inconsistent: see the lines above.");
        }

        return sound;
    }
}

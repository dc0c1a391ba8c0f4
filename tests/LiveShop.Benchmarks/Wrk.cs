using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LiveShop.Benchmarks;

/// <summary>One wrk run's figures, as wrk prints them.</summary>
public sealed record WrkResult(
    double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds, long Requests, long Non2xx3xx, long SocketErrors)
{
    public bool Clean => Non2xx3xx == 0 && SocketErrors == 0 && Requests > 0;
}

/// <summary>Runs the wrk load generator (Debian package "wrk") and parses its --latency report.</summary>
public static partial class Wrk
{
    public const string InstallHint = "apt-get install -y wrk";

    public static bool IsInstalled() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, "wrk")));

    public static async Task<WrkResult> RunAsync(Uri url, int threads, int connections, int seconds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "-t", threads.ToString(CultureInfo.InvariantCulture),
                     "-c", connections.ToString(CultureInfo.InvariantCulture),
                     "-d", seconds.ToString(CultureInfo.InvariantCulture) + "s",
                     "--latency",
                     url.ToString(),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start wrk.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk exited with {process.ExitCode}: {await stderr}{output}");
        }

        return Parse(output);
    }

    /// <summary>Reads Requests/sec, the 50% and 99% latency lines, the request count and any errors from wrk's output.</summary>
    public static WrkResult Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var rps = RequestsPerSecond().Match(output);
        var p50 = Percentile(output, "50%");
        var p99 = Percentile(output, "99%");
        var requests = RequestCount().Match(output);
        if (!rps.Success || p50 is null || p99 is null || !requests.Success)
        {
            throw new FormatException($"Unexpected wrk output (was --latency given?):{Environment.NewLine}{output}");
        }

        var non2xx = Non2xx().Match(output);
        var socket = SocketErrors().Match(output);
        var socketErrors = socket.Success ? Enumerable.Range(1, 4).Sum(g => long.Parse(socket.Groups[g].Value, CultureInfo.InvariantCulture)) : 0;
        return new WrkResult(
            double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture),
            p50.Value,
            p99.Value,
            long.Parse(requests.Groups[1].Value, CultureInfo.InvariantCulture),
            non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            socketErrors);
    }

    private static double? Percentile(string output, string percentile)
    {
        foreach (Match line in LatencyLine().Matches(output))
        {
            if (line.Groups["p"].Value == percentile)
            {
                var value = double.Parse(line.Groups["v"].Value, CultureInfo.InvariantCulture);
                return line.Groups["u"].Value switch
                {
                    "us" => value / 1000,
                    "ms" => value,
                    "s" => value * 1000,
                    "m" => value * 60_000,
                    _ => throw new FormatException($"Unknown wrk latency unit in '{line.Value}'."),
                };
            }
        }

        return null;
    }

    [GeneratedRegex(@"^Requests/sec:\s+([0-9.]+)", RegexOptions.Multiline)]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s+(?<p>[0-9.]+%)\s+(?<v>[0-9.]+)(?<u>us|ms|s|m)\s*$", RegexOptions.Multiline)]
    private static partial Regex LatencyLine();

    [GeneratedRegex(@"^\s*([0-9]+) requests in ", RegexOptions.Multiline)]
    private static partial Regex RequestCount();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+([0-9]+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)")]
    private static partial Regex SocketErrors();
}

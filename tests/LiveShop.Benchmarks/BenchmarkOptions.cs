using System.Globalization;

namespace LiveShop.Benchmarks;

/// <summary>Command-line options; the same wrk settings are used for both targets.</summary>
public sealed record BenchmarkOptions(int DurationSeconds, int WarmupSeconds, int Connections, int Threads, int Rounds)
{
    /// <summary>The scenario's name on the command line (it is also the default when none is named).</summary>
    public const string Scenario = "hot-read";

    public const double Target = 0.6;

    public static readonly BenchmarkOptions Default = new(DurationSeconds: 15, WarmupSeconds: 5, Connections: 64, Threads: 2, Rounds: 3);

    private static readonly Dictionary<string, Func<BenchmarkOptions, int, BenchmarkOptions>> Setters = new(StringComparer.Ordinal)
    {
        ["--duration"] = (o, v) => o with { DurationSeconds = v },
        ["--warmup"] = (o, v) => o with { WarmupSeconds = v },
        ["--connections"] = (o, v) => o with { Connections = v },
        ["--threads"] = (o, v) => o with { Threads = v },
        ["--rounds"] = (o, v) => o with { Rounds = v },
    };

    public const string Usage = """
        Usage: dotnet run -c Release --project tests/LiveShop.Benchmarks -- [hot-read] [options]
          --duration <s>     seconds of each measured wrk run (default 15)
          --warmup <s>       seconds of the wrk warm-up run before each measured run (default 5)
          --connections <n>  wrk -c, open connections (default 64)
          --threads <n>      wrk -t, load generator threads (default 2)
          --rounds <n>       measure both targets n times, alternating which goes first (default 3);
                             the median of the per-round ratios is compared with the 0.6 target
        The other scenario: dotnet run -c Release --project tests/LiveShop.Benchmarks -- flash-sale --help
        """;

    /// <summary>The options, or null (with <paramref name="error"/>) when the arguments are not understood or --help was asked.</summary>
    public static BenchmarkOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = Default;
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                return null;
            }

            if (!Setters.TryGetValue(name, out var set))
            {
                error = $"Unknown option {name}.";
                return null;
            }

            if (i + 1 >= args.Count || !int.TryParse(args[i + 1].TrimEnd('s'), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                error = $"{name} needs a positive whole number.";
                return null;
            }

            options = set(options, value);
            i++;
        }

        if (options.Threads > options.Connections)
        {
            error = "--threads must not exceed --connections (wrk needs at least one connection per thread).";
            return null;
        }

        return options;
    }
}

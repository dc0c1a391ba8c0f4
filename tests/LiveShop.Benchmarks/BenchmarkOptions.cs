using System.Globalization;

namespace LiveShop.Benchmarks;

/// <summary>Command-line options; the same wrk settings are used for both targets.</summary>
public sealed record BenchmarkOptions(int DurationSeconds, int WarmupSeconds, int Connections, int Threads, int Rounds)
{
    public const double Target = 0.6;

    public static readonly BenchmarkOptions Default = new(DurationSeconds: 15, WarmupSeconds: 5, Connections: 64, Threads: 2, Rounds: 3);

    public const string Usage = """
        Usage: dotnet run -c Release --project tests/LiveShop.Benchmarks -- [options]
          --duration <s>     seconds of each measured wrk run (default 15)
          --warmup <s>       seconds of the wrk warm-up run before each measured run (default 5)
          --connections <n>  wrk -c, open connections (default 64)
          --threads <n>      wrk -t, load generator threads (default 2)
          --rounds <n>       measure both targets n times, alternating which goes first; medians are compared (default 3)
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

            if (i + 1 >= args.Count || !int.TryParse(args[i + 1].TrimEnd('s'), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                error = $"{name} needs a positive whole number.";
                return null;
            }

            i++;
            switch (name)
            {
                case "--duration":
                    options = options with { DurationSeconds = value };
                    break;
                case "--warmup":
                    options = options with { WarmupSeconds = value };
                    break;
                case "--connections":
                    options = options with { Connections = value };
                    break;
                case "--threads":
                    options = options with { Threads = value };
                    break;
                case "--rounds":
                    options = options with { Rounds = value };
                    break;
                default:
                    error = $"Unknown option {name}.";
                    return null;
            }
        }

        if (options.Threads > options.Connections)
        {
            error = "--threads must not exceed --connections (wrk needs at least one connection per thread).";
            return null;
        }

        return options;
    }
}

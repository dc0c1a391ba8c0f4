using System.Globalization;

namespace LiveShop.Benchmarks;

/// <summary>Options of the flash-sale scenario (<c>-- flash-sale [options]</c>).</summary>
public sealed record FlashSaleOptions(int Units, int Buyers, int CheckoutBuyers, int CheckoutUnits, int Rounds, bool Reservations, bool Checkouts, int? PollSeconds = null)
{
    public const string Scenario = "flash-sale";

    /// <summary>Chosen reservations/s over the baseline's the stock design aims for.</summary>
    public const double Target = 3.0;

    public static readonly FlashSaleOptions Default = new(Units: 5000, Buyers: 200, CheckoutBuyers: 2000, CheckoutUnits: 200, Rounds: 3, Reservations: true, Checkouts: true);

    private static readonly Dictionary<string, Func<FlashSaleOptions, int, FlashSaleOptions>> Setters = new(StringComparer.Ordinal)
    {
        ["--units"] = (o, v) => o with { Units = v },
        ["--buyers"] = (o, v) => o with { Buyers = v },
        ["--checkout-buyers"] = (o, v) => o with { CheckoutBuyers = v },
        ["--checkout-units"] = (o, v) => o with { CheckoutUnits = v },
        ["--rounds"] = (o, v) => o with { Rounds = v },
        ["--poll"] = (o, v) => o with { PollSeconds = v },
    };

    public const string Usage = """
        Usage: dotnet run -c Release --project tests/LiveShop.Benchmarks -- flash-sale [options]
          --units <n>            (a) units of the SKU the reservation race sells (default 5000)
          --buyers <n>           (a) concurrent buyers, each reserving and committing 1 unit at a time (default 200)
          --rounds <n>           (a) races per strategy, alternating which goes first (default 3)
          --checkout-buyers <n>  (b) buyers, one buy-now checkout each, all at once (default 2000)
          --checkout-units <n>   (b) units of the flash sale they race for (default 200)
          --poll <s>             (b) seconds between status polls (default: as the answer's Retry-After says, 1 s)
          --reservations-only    run (a) only
          --checkouts-only       run (b) only
        """;

    /// <summary>The options, or null (with <paramref name="error"/>) when the arguments are not understood or --help was asked.</summary>
    public static FlashSaleOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = Default;
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            switch (name)
            {
                case "-h" or "--help":
                    return null;
                case "--reservations-only":
                    options = options with { Checkouts = false };
                    continue;
                case "--checkouts-only":
                    options = options with { Reservations = false };
                    continue;
            }

            if (!Setters.TryGetValue(name, out var set))
            {
                error = $"Unknown option {name}.";
                return null;
            }

            if (i + 1 >= args.Count || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                error = $"{name} needs a positive whole number.";
                return null;
            }

            options = set(options, value);
            i++;
        }

        if (!options.Reservations && !options.Checkouts)
        {
            error = "--reservations-only and --checkouts-only exclude each other.";
            return null;
        }

        return options;
    }
}

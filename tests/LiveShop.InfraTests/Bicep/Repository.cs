using System.Reflection;

namespace LiveShop.InfraTests.Bicep;

/// <summary>Where things are: the repository root and infra/, as the build recorded them.</summary>
internal static class Repository
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    public static string Infra { get; } = Path.Combine(Root, "infra");

    public static string MarketsFolder { get; } = Path.Combine(Infra, "markets");

    /// <summary>The folder of the definition files main.bicep loads (relative to infra/: ../functions/LiveShop.Core/Definitions).</summary>
    public static string Definitions { get; } = Path.Combine(Root, "functions", "LiveShop.Core", "Definitions");

    /// <summary>Market codes that have a parameter file (infra/markets/CODE.bicepparam).</summary>
    public static IReadOnlyList<string> MarketFiles { get; } =
    [
        .. Directory.GetFiles(MarketsFolder, "*.bicepparam")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Order(StringComparer.Ordinal),
    ];

    public static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == key)?.Value is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Assembly metadata '{key}' is missing: build through LiveShop.InfraTests.csproj.");
}

using System.Text.Json.Nodes;

namespace LiveShop.InfraTests.Bicep;

/// <summary>
/// Compiles infra/ once per test run: lint and build of main.bicep and build-params of every market file
/// (one process for all), then a snapshot of every market, a few processes at a time (each takes 2 to 5 s).
/// Nothing is written next to the sources: outputs go to a temporary folder.
/// </summary>
public sealed class InfraFixture : IAsyncLifetime
{
    private readonly string _workRoot = Path.Combine(Path.GetTempPath(), $"liveshop-infra-{Guid.NewGuid():N}");
    private Dictionary<string, MarketStack> _markets = [];

    internal BicepRun Lint { get; private set; } = null!;

    internal BicepRun Build { get; private set; } = null!;

    /// <summary>build-params of infra/markets/*.bicepparam; its standard error holds one SARIF document per file.</summary>
    internal BicepRun BuildParams { get; private set; } = null!;

    /// <summary>Market codes build-params wrote a parameters file for.</summary>
    internal IReadOnlyList<string> CompiledMarkets { get; private set; } = [];

    /// <summary>The ARM template main.bicep compiles to (modules inlined as nested deployments).</summary>
    internal JsonObject Template => JsonNode.Parse(Build.StandardOutput)?.AsObject()
        ?? throw new InvalidOperationException($"build failed: {Build}");

    internal IReadOnlyDictionary<string, MarketStack> Markets => _markets;

    internal MarketStack Market(string code) =>
        _markets.TryGetValue(code, out var stack) ? stack : throw new InvalidOperationException($"No parameter file for market '{code}'.");

    public async Task InitializeAsync()
    {
        CopyForSnapshots();
        using var bicep = new BicepCli(Math.Max(2, Environment.ProcessorCount));
        var lint = bicep.RunAsync(Repository.Infra, "lint", "main.bicep", "--diagnostics-format", "sarif");
        var build = bicep.RunAsync(Repository.Infra, "build", "main.bicep", "--stdout", "--diagnostics-format", "sarif");
        var parametersFolder = Path.Combine(_workRoot, "parameters");
        var buildParams = bicep.RunAsync(
            Repository.Infra, "build-params", "--pattern", "markets/*.bicepparam", "--outdir", parametersFolder, "--diagnostics-format", "sarif");
        BuildParams = await buildParams;
        var compiled = Directory.Exists(parametersFolder) ? Directory.GetFiles(parametersFolder, "*.json") : [];
        CompiledMarkets = [.. compiled.Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)];
        var markets = compiled.Select(file => MarketStack.SnapshotAsync(
            bicep,
            Path.GetFileNameWithoutExtension(file),
            JsonNode.Parse(File.ReadAllText(file))!.AsObject(),
            _workRoot)).ToList();
        Lint = await lint;
        Build = await build;
        _markets = (await Task.WhenAll(markets)).ToDictionary(m => m.Code, StringComparer.Ordinal);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_workRoot, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>infra/ and the definition files it loads, at the same relative places, in a temporary folder.</summary>
    private void CopyForSnapshots()
    {
        foreach (var file in Directory.GetFiles(Repository.Infra, "*.bicep*", SearchOption.AllDirectories)
                     .Append(Path.Combine(Repository.Infra, "bicepconfig.json"))
                     .Concat(Directory.GetFiles(Repository.Definitions, "*.json")))
        {
            var target = Path.Combine(_workRoot, Path.GetRelativePath(Repository.Root, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class InfraCollection : ICollectionFixture<InfraFixture>
{
    public const string Name = "infra";
}

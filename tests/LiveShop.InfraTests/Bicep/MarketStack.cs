using System.Text.Json.Nodes;

namespace LiveShop.InfraTests.Bicep;

/// <summary>
/// One market's stack: its compiled parameter file (bicep build-params) and the snapshot Bicep predicts from
/// the compiled ARM template and those parameters (bicep snapshot), with every expression it can evaluate
/// offline evaluated (names, locations, ids, literal properties; runtime values stay reference(...) strings).
/// </summary>
internal sealed class MarketStack(string code, JsonObject parameters, BicepRun snapshotRun, JsonObject? snapshot)
{
    public string Code { get; } = code;

    public BicepRun SnapshotRun { get; } = snapshotRun;

    /// <summary>The ARM parameters file build-params compiled from infra/markets/CODE.bicepparam.</summary>
    public JsonObject Parameters { get; } = parameters;

    public JsonObject Snapshot => snapshot ?? throw new InvalidOperationException($"snapshot failed: {SnapshotRun}");

    public string Location => Parameter("location").GetValue<string>();

    public JsonNode Parameter(string name) =>
        Parameters["parameters"]?[name]?["value"] ?? throw new InvalidOperationException($"Market '{Code}' sets no parameter '{name}'.");

    public IEnumerable<JsonObject> Resources => Snapshot["predictedResources"]!.AsArray().Select(r => r!.AsObject());

    public IEnumerable<JsonObject> OfType(string type) =>
        Resources.Where(r => string.Equals(Text(r["type"]), type, StringComparison.OrdinalIgnoreCase));

    public JsonObject Single(string type)
    {
        var matches = OfType(type).ToList();
        Assert.True(matches.Count == 1, $"Market '{Code}': expected one {type}, found {matches.Count}.");
        return matches[0];
    }

    public JsonObject AppSettings => Single("Microsoft.Web/sites/config")["properties"]!.AsObject();

    public static string? Text(JsonNode? node) => node?.GetValue<string>();

    /// <summary>Snapshots a market from a copy of infra/ (snapshot writes markets/CODE.snapshot.json next to the parameter file).</summary>
    public static async Task<MarketStack> SnapshotAsync(BicepCli bicep, string code, JsonObject parameters, string snapshotRoot)
    {
        var location = parameters["parameters"]?["location"]?["value"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"Market '{code}' sets no location.");
        var snapshotRun = await bicep.RunAsync(
            Path.Combine(snapshotRoot, "infra"),
            "snapshot", $"markets/{code}.bicepparam",
            "--mode", "overwrite",
            "--tenant-id", "00000000-0000-0000-0000-00000000aaaa",
            "--subscription-id", "00000000-0000-0000-0000-00000000bbbb",
            "--location", location,
            "--deployment-name", $"liveshop-{code}");
        var snapshotFile = Path.Combine(snapshotRoot, "infra", "markets", $"{code}.snapshot.json");
        var snapshot = snapshotRun.ExitCode == 0 && File.Exists(snapshotFile)
            ? JsonNode.Parse(await File.ReadAllTextAsync(snapshotFile))!.AsObject()
            : null;
        return new MarketStack(code, parameters, snapshotRun, snapshot);
    }
}

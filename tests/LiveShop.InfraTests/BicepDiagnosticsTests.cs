using LiveShop.InfraTests.Bicep;

namespace LiveShop.InfraTests;

/// <summary>lint, build, build-params and snapshot succeed with no diagnostic of any level.</summary>
[Collection(InfraCollection.Name)]
public sealed class BicepDiagnosticsTests(InfraFixture infra)
{
    [Fact]
    public void Lint_MainBicep_ReportsNothing() => AssertClean(infra.Lint, infra.Lint.StandardOutput);

    [Fact]
    public void Build_MainBicep_ReportsNothing() => AssertClean(infra.Build, infra.Build.StandardError);

    [Fact]
    public void BuildParams_EveryMarketFile_ReportsNothing()
    {
        AssertClean(infra.BuildParams, infra.BuildParams.StandardError);
        Assert.Equal(Repository.MarketFiles.Count, Sarif.Documents(infra.BuildParams.StandardError).Count);
        Assert.Equal(Repository.MarketFiles, infra.CompiledMarkets);
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Snapshot_MarketFile_ReportsNothing(string market)
    {
        var stack = infra.Market(market);
        Assert.True(stack.SnapshotRun.ExitCode == 0, stack.SnapshotRun.ToString());
        Assert.Empty(stack.Snapshot["diagnostics"]!.AsArray());
    }

    [Fact]
    public void BicepConfig_LinterRules_AreErrorsOrDeliberatelyOff()
    {
        var rules = System.Text.Json.Nodes.JsonNode.Parse(
            File.ReadAllText(Path.Combine(Repository.Infra, "bicepconfig.json")),
            documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!["analyzers"]!["core"]!["rules"]!.AsObject();

        Assert.NotEmpty(rules);
        Assert.All(rules, rule =>
            Assert.True(
                rule.Value!["level"]!.GetValue<string>() == "error"
                || rule.Key is "use-recent-api-versions" or "use-recent-module-versions",
                $"Linter rule {rule.Key} is not an error."));
    }

    private static void AssertClean(BicepRun run, string sarif)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(Sarif.Diagnostics(sarif));
    }
}

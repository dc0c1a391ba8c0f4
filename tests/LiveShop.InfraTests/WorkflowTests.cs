using LiveShop.InfraTests.Bicep;
using YamlDotNet.RepresentationModel;

namespace LiveShop.InfraTests;

/// <summary>
/// The GitHub Actions pipeline (.github/workflows/ci-deploy.yml): its market choice equals the market files, deploys
/// authenticate by OpenID Connect only, each market deploys in its own GitHub environment, and it runs the tests first.
/// </summary>
public sealed class WorkflowTests
{
    private static readonly string WorkflowPath = Path.Combine(Repository.Root, ".github", "workflows", "ci-deploy.yml");

    private static readonly YamlMappingNode Workflow = Load();

    private static YamlMappingNode Jobs => Map(Workflow, "jobs");

    private static YamlMappingNode Deploy => Map(Jobs, "deploy");

    [Fact]
    public void DispatchInput_MarketOptions_AreAllAndEveryMarketFile()
    {
        var options = Sequence(Map(Map(Map(Map(Workflow, "on"), "workflow_dispatch"), "inputs"), "market"), "options");

        Assert.Equal(["all", .. Repository.MarketFiles], options.Select(Scalar));
    }

    [Fact]
    public void DeployJob_MayAskForAnOidcToken() =>
        Assert.Equal("write", Scalar(Map(Deploy, "permissions"), "id-token"));

    [Fact]
    public void DeployJob_SignsInWithTheFederatedCredential() =>
        Assert.Contains(Steps(Deploy), run => run.Contains("azd auth login", StringComparison.Ordinal)
            && run.Contains("--federated-credential-provider github", StringComparison.Ordinal));

    [Fact]
    public void Workflow_ReadsNoStoredSecret() =>
        Assert.DoesNotContain("secrets.", File.ReadAllText(WorkflowPath), StringComparison.Ordinal);

    [Fact]
    public void DeployJob_RunsInTheMarketsOwnEnvironment() =>
        Assert.Equal("market-${{ matrix.market }}", Scalar(Deploy, "environment"));

    [Fact]
    public void DeployJob_NeedsTheTestsAndTheInfraBuild() =>
        Assert.Superset(new HashSet<string> { "test", "infra" }, Sequence(Deploy, "needs").Select(Scalar).ToHashSet());

    [Fact]
    public void TestJob_RunsTheCiScript() =>
        Assert.Contains("bash .ci/run", Steps(Map(Jobs, "test")));

    [Fact]
    public void DeployJob_ProvisionsAndDeploysWithAzd()
    {
        var runs = Steps(Deploy);

        Assert.Contains("azd provision --no-prompt", runs);
        Assert.Contains("azd deploy --no-prompt", runs);
    }

    private static YamlMappingNode Load()
    {
        using var reader = new StreamReader(WorkflowPath);
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => Assert.IsType<YamlMappingNode>(Child(node, key));

    private static YamlSequenceNode Sequence(YamlMappingNode node, string key) => Assert.IsType<YamlSequenceNode>(Child(node, key));

    private static string Scalar(YamlMappingNode node, string key) => Scalar(Child(node, key));

    private static string Scalar(YamlNode node) => Assert.IsType<YamlScalarNode>(node).Value ?? string.Empty;

    private static YamlNode Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : throw new Xunit.Sdk.XunitException($"The workflow has no '{key}' here.");

    /// <summary>The `run` commands of a job's steps.</summary>
    private static List<string> Steps(YamlMappingNode job) =>
        Sequence(job, "steps").OfType<YamlMappingNode>()
            .Where(step => step.Children.ContainsKey(new YamlScalarNode("run")))
            .Select(step => Scalar(step, "run").Trim())
            .ToList();
}

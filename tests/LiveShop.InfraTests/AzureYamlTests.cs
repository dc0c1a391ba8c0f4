using LiveShop.InfraTests.Bicep;

namespace LiveShop.InfraTests;

/// <summary>azure.yaml provisions infra/main.bicep and deploys the function app project as service `api`.</summary>
public sealed class AzureYamlTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(Repository.Root, "azure.yaml"));

    [Theory]
    [InlineData("  path: infra")]
    [InlineData("  module: main")]
    [InlineData("  api:")]
    [InlineData("    project: ./functions/LiveShop.Functions")]
    [InlineData("    language: dotnet")]
    [InlineData("    host: function")]
    public void AzureYaml_HasLine(string line) => Assert.Contains(line, Lines);

    [Fact]
    public void PreprovisionHooks_Exist() =>
        Assert.All(["select-market.sh", "select-market.ps1"], script => Assert.True(File.Exists(Path.Combine(Repository.Infra, "scripts", script)), script));
}

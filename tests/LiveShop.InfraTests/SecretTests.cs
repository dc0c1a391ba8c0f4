using System.Text.RegularExpressions;
using LiveShop.InfraTests.Bicep;
using static LiveShop.InfraTests.Bicep.MarketStack;

namespace LiveShop.InfraTests;

/// <summary>No key, connection string with a key, or secret reaches outputs or app settings; nothing reads keys at all.</summary>
[Collection(InfraCollection.Name)]
public sealed partial class SecretTests(InfraFixture infra)
{
    [Fact]
    public void Template_NeverReadsKeysOrSecrets()
    {
        var template = infra.Template.ToJsonString();

        Assert.DoesNotMatch(KeyFunctions(), template);
        Assert.DoesNotContain("securestring", template, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secureobject", template, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Outputs_AreUpperCaseAndPlainStrings()
    {
        var outputs = infra.Template["outputs"]!.AsObject();

        Assert.NotEmpty(outputs);
        Assert.All(outputs, o =>
        {
            Assert.Matches("^[A-Z][A-Z0-9_]*$", o.Key);
            Assert.Equal("string", Text(o.Value!["type"]));
        });
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Outputs_CarryNoSecret(string market)
    {
        var outputs = infra.Market(market).Snapshot["outputs"]!.AsObject();

        Assert.All(outputs, o =>
        {
            Assert.DoesNotMatch(SecretName(), o.Key.Replace("KEY_VAULT", "VAULT", StringComparison.Ordinal));
            Assert.DoesNotMatch(SecretValue(), o.Value!.ToJsonString());
        });
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void AppSettings_CarryNoSecret(string market)
    {
        Assert.All(infra.Market(market).AppSettings, s =>
        {
            // A secret's setting holds a Key Vault reference the platform resolves with the app's identity, never the value.
            if (!s.Value!.ToJsonString().Contains("@Microsoft.KeyVault(SecretUri=", StringComparison.Ordinal))
            {
                Assert.DoesNotMatch(SecretName(), s.Key.Replace("CONNECTION_STRING", "ENDPOINT", StringComparison.Ordinal).ToUpperInvariant());
            }

            Assert.DoesNotMatch(SecretValue(), s.Value!.ToJsonString());
        });
    }

    [GeneratedRegex(@"list(Keys|ConnectionStrings|Secrets|Credentials?|AccountSas|ServiceSas)\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex KeyFunctions();

    // APPLICATIONINSIGHTS_CONNECTION_STRING is allowed by name only: its value is checked like every other value.
    [GeneratedRegex("KEY|SECRET|PASSWORD|CONNECTION_?STRING|TOKEN|SAS")]
    private static partial Regex SecretName();

    [GeneratedRegex(@"AccountKey=|SharedAccessKey|SharedAccessSignature|[?&]sig=|AccessKey=|\blist[A-Z]\w*\(", RegexOptions.IgnoreCase)]
    private static partial Regex SecretValue();
}

using System.Text.Json;
using System.Text.RegularExpressions;
using LiveShop.Core.Configuration;

namespace LiveShop.UnitTests;

/// <summary>The sample settings file and the README's settings table list exactly the settings the code reads.</summary>
public sealed partial class SettingsDocumentationTests
{
    /// <summary>Settings of the Functions host itself, not of the app.</summary>
    private static readonly string[] HostSettings = ["AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME"];

    [Fact]
    public void LocalSettingsSample_ListsEverySettingTheCodeReads_AndNothingElse()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "local.settings.sample.json")));
        var names = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).Order();

        Assert.Equal(SettingNames.All.Select(SettingNames.AsEnvironmentVariable).Concat(HostSettings).Order(), names);
    }

    [Fact]
    public void ReadmeSettingsTable_ListsEverySettingTheCodeReads_AndNothingElse()
    {
        var documented = TableRow().Matches(ReadmeSection("## Settings")).Select(m => m.Groups[1].Value).Order();

        Assert.Equal(SettingNames.All.Order(), documented);
    }

    [Fact]
    public void ReadmeRealTimeContract_ListsEveryClientMethod_AndNothingElse()
    {
        var documented = MethodRow().Matches(ReadmeSection("## Real-time contract")).Select(m => m.Groups[1].Value).Order();

        Assert.Equal(Core.Live.LiveMethods.All.Order(), documented);
    }

    /// <summary>The README's section under <paramref name="heading"/>, up to the next heading of its level.</summary>
    private static string ReadmeSection(string heading)
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var section = readme[readme.IndexOf(heading, StringComparison.Ordinal)..];
        return section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LiveShopServerless.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Repository root not found.");
    }

    [GeneratedRegex(@"^\| `([A-Za-z]+:[A-Za-z]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex(@"^\| `([a-zA-Z]+)` \| (?:stream|host only|the buyer only) \|", RegexOptions.Multiline)]
    private static partial Regex MethodRow();
}

using System.Text.RegularExpressions;

namespace LiveShop.UnitTests.Logging;

/// <summary>Identifiers of people stay out of Information (and lower) logs.</summary>
public partial class PersonalDataLogTests
{
    /// <summary>Every log call in the app's code: none names a person (buyer, user, viewer, caller, owner, email) in its template or passes a buyer/user id.</summary>
    [Fact]
    public void LogCalls_InTheAppsCode_NameNoPerson()
    {
        var root = RepositoryRoot();
        var offenders = Directory.EnumerateFiles(Path.Combine(root, "functions"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => LogCall().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetRelativePath(root, f)}: {m.Value}"))
            .Where(call => PersonPlaceholder().IsMatch(call))
            .ToList();

        Assert.Empty(offenders);
    }

    [GeneratedRegex(@"\.Log(?:Trace|Debug|Information|Warning|Error|Critical)?\([^;]*;", RegexOptions.Singleline)]
    private static partial Regex LogCall();

    [GeneratedRegex(@"\{(?:Buyer|User|Viewer|Email|Caller|Owner|Person)[A-Za-z]*\}|\.(?:BuyerId|UserId|OwnerKey)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PersonPlaceholder();

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LiveShopServerless.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Repository root not found.");
    }
}

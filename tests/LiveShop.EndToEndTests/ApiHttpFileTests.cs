using System.Reflection;
using System.Text.RegularExpressions;
using LiveShop.LocalCosmosServer;
using LiveShop.LocalRunner;
using Microsoft.AspNetCore.Builder;

namespace LiveShop.EndToEndTests;

/// <summary>
/// docs/api.http runs top to bottom against a fresh local runner (seeded, as a newcomer starts it) with no edits: httpyac
/// sends every request in order, each request's `?? status == N` must hold, and every request states the answer it expects.
/// </summary>
public sealed partial class ApiHttpFileTests
{
    private static readonly string HttpFile = Metadata("ApiHttpFile");

    private static readonly string RunnerDirectory = Metadata("HttpFileRunnerDirectory");

    [Fact]
    public void ApiHttpFile_EveryRequest_StatesTheStatusItExpects()
    {
        var requests = Requests();

        Assert.NotEmpty(requests);
        Assert.All(requests, request => Assert.True(
            StatusAssertion().IsMatch(request),
            $"This request of docs/api.http has no `?? status == N` line:\n{request.Trim()}"));
    }

    [Fact]
    public async Task ApiHttpFile_SentTopToBottomToAFreshRunner_EveryRequestGetsItsExpectedStatus()
    {
        await ChildProcess.EnsureNpmPackagesAsync(RunnerDirectory, Path.Combine("httpyac", "package.json"));
        await using var runner = LocalRunnerApp.Build(["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await runner.StartAsync();
        await LocalRunnerApp.SeedAsync(runner, CancellationToken.None);

        var output = await ChildProcess.RunAsync(
            Path.Combine(RunnerDirectory, "node_modules", ".bin", "httpyac"),
            ["send", HttpFile, "--all", "--output", "short"],
            Path.GetDirectoryName(HttpFile)!,
            TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["LIVESHOP_BASE"] = runner.Urls.Single() });

        var count = Requests().Count;
        Assert.Contains($"{count} requests processed ({count} succeeded)", output, StringComparison.Ordinal);
    }

    /// <summary>The file's request blocks (the text after each ### line that sends a request).</summary>
    private static List<string> Requests() =>
        File.ReadAllText(HttpFile).Split("\n###").Skip(1).Where(block => RequestLine().IsMatch(block)).ToList();

    private static string Metadata(string key) =>
        typeof(ApiHttpFileTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata '{key}' is missing.");

    [GeneratedRegex(@"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) ", RegexOptions.Multiline)]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"^\?\? status == \d{3}\s*$", RegexOptions.Multiline)]
    private static partial Regex StatusAssertion();
}

using System.Reflection;
using System.Text.RegularExpressions;
using LiveShop.LocalCosmosServer;
using LiveShop.LocalRunner;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LiveShop.EndToEndTests;

/// <summary>
/// docs/api.http runs top to bottom against a fresh local runner (seeded, with its own logging defaults, as a newcomer
/// starts it) with no edits: httpyac sends every request in order, each request's `?? status == N` must hold, and every
/// request states the answer it expects. The same run shows what a newcomer's console shows.
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
        await using var runner = LocalRunnerApp.Build(["--urls=http://127.0.0.1:0"], builder => builder.Logging.AddFakeLogging());
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

        // Quiet by default: the platform (host lifetime, the durable worker and its sidecar socket, HTTP clients, retry
        // attempts) says nothing at Information, and the app itself logs far less than a line per request.
        var logged = runner.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Information).ToList();
        Assert.All(logged, r => Assert.StartsWith("LiveShop.", r.Category, StringComparison.Ordinal));
        Assert.True(logged.Count <= count / 4, $"{logged.Count} lines logged at Information for {count} requests:\n" + string.Join('\n', logged.Select(r => $"{r.Category}: {r.Message}")));
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

using System.Text.Json;
using LiveShop.LocalRunner;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LiveShop.EndToEndTests;

/// <summary>The runner serves exactly the functions the Functions host would, at the same routes and methods.</summary>
[Collection(RunnerCollection.Name)]
public sealed class FunctionsMetadataTests(RunnerFixture runner)
{
    [Fact]
    public void Runner_ServesEveryFunctionOfFunctionsMetadata_AtItsRouteAndMethods()
    {
        var declared = FunctionsMetadata.HttpFunctions();
        var served = ServedFunctions();

        Assert.NotEmpty(declared);
        foreach (var function in declared)
        {
            Assert.True(served.TryGetValue(function.Name, out var endpoint), $"Function {function.Name} is not served by the local runner.");
            Assert.Equal($"{HostJson.Prefix}/{function.Route}", endpoint.Route);
            Assert.Equal(function.Methods.Order(), endpoint.Methods.Order());
        }

        Assert.Equal(declared.Select(f => f.Name).Order(), served.Keys.Order());
    }

    [Fact]
    public void FunctionsMetadata_EveryHttpFunctionIsAnonymous_TheAppAuthenticatesBearerTokensItself()
    {
        Assert.All(FunctionsMetadata.HttpFunctions(), f => Assert.Equal("Anonymous", f.AuthLevel));
    }

    [Fact]
    public void FunctionsMetadata_DeclaresOnlyTriggersTheRunnerServes()
    {
        var triggers = FunctionsMetadata.All().Select(f => f.TriggerType).Distinct().ToList();

        Assert.Equal(["httpTrigger"], triggers);
    }

    private Dictionary<string, (string Route, IReadOnlyList<string> Methods)> ServedFunctions() =>
        runner.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpFunction>() is not null)
            .ToDictionary(
                e => e.DisplayName!,
                e => (e.RoutePattern.RawText!, (IReadOnlyList<string>)e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.ToList()));
}

/// <summary>Reads functions.metadata, the file the Functions SDK generates for the host, from the function app's build output.</summary>
public static class FunctionsMetadata
{
    public sealed record DeclaredFunction(string Name, string TriggerType, string Route, IReadOnlyList<string> Methods, string? AuthLevel);

    public static IReadOnlyList<DeclaredFunction> HttpFunctions() => All().Where(f => f.TriggerType == "httpTrigger").ToList();

    public static IReadOnlyList<DeclaredFunction> All()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FindFile()));
        return document.RootElement.EnumerateArray().Select(function =>
        {
            var trigger = function.GetProperty("bindings").EnumerateArray()
                .First(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            var methods = trigger.TryGetProperty("methods", out var m)
                ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToList()
                : [];
            var route = trigger.TryGetProperty("route", out var r) ? r.GetString()! : function.GetProperty("name").GetString()!;
            var authLevel = trigger.TryGetProperty("authLevel", out var level) ? level.GetString() : null;
            return new DeclaredFunction(function.GetProperty("name").GetString()!, trigger.GetProperty("type").GetString()!, route, methods, authLevel);
        }).ToList();
    }

    private static string FindFile()
    {
        // tests/LiveShop.EndToEndTests/bin/<Configuration>/<tfm>/ -> functions/LiveShop.Functions/bin/<Configuration>/<tfm>/functions.metadata
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var tfm = output.Name;
        var configuration = output.Parent!.Name;
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "LiveShopServerless.sln")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root?.FullName ?? throw new FileNotFoundException("Repository root not found."), "functions", "LiveShop.Functions", "bin", configuration, tfm, "functions.metadata");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the function app first: functions.metadata is missing.", path);
    }
}

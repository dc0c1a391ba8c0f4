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
        var triggers = FunctionsMetadata.All().Select(f => f.TriggerType).Distinct().Order().ToList();

        Assert.Equal(["activityTrigger", "httpTrigger", "orchestrationTrigger", "timerTrigger"], triggers);
    }

    [Fact]
    public void Runner_RegistersEveryOrchestratorAndActivityOfFunctionsMetadata_AndNothingElse()
    {
        var declared = FunctionsMetadata.All()
            .Where(f => f.TriggerType is DurableFunctions.OrchestrationTrigger or DurableFunctions.ActivityTrigger)
            .Select(f => (f.Name, f.TriggerType))
            .Order();
        var served = runner.App.Services.GetRequiredService<ServedTriggers>().Durable.Select(f => (f.Name, f.Trigger)).Order();

        Assert.NotEmpty(declared);
        Assert.Equal(declared, served);
    }

    [Fact]
    public void Runner_RunsEveryTimerOfFunctionsMetadata_OnItsSchedule()
    {
        var declared = FunctionsMetadata.All().Where(f => f.TriggerType == TimerFunctions.TimerTrigger).Select(f => (f.Name, f.Schedule!)).Order();
        var served = runner.App.Services.GetRequiredService<ServedTriggers>().Timers.Select(f => (f.Name, f.Schedule)).Order();

        Assert.NotEmpty(declared);
        Assert.Equal(declared, served);
    }

    [Fact]
    public void FunctionsMetadata_OtherBindingsAreOnlyOnesTheRunnerBinds()
    {
        var others = FunctionsMetadata.All().SelectMany(f => f.OtherBindings).Distinct().Order();

        Assert.Equal(["durableClient", "http"], others);
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
    /// <param name="Schedule">A timer trigger's schedule.</param>
    /// <param name="OtherBindings">The types of the function's bindings other than its trigger.</param>
    /// <param name="EntryPoint">The method the host calls: the full name of its type, a dot, and the method's name.</param>
    public sealed record DeclaredFunction(
        string Name, string TriggerType, string Route, IReadOnlyList<string> Methods, string? AuthLevel, string? Schedule, IReadOnlyList<string> OtherBindings,
        string EntryPoint);

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
            var schedule = trigger.TryGetProperty("schedule", out var s) ? s.GetString() : null;
            var others = function.GetProperty("bindings").EnumerateArray()
                .Select(b => b.GetProperty("type").GetString()!)
                .Where(type => !type.EndsWith("Trigger", StringComparison.Ordinal))
                .ToList();
            return new DeclaredFunction(
                function.GetProperty("name").GetString()!, trigger.GetProperty("type").GetString()!, route, methods, authLevel, schedule, others,
                function.GetProperty("entryPoint").GetString()!);
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

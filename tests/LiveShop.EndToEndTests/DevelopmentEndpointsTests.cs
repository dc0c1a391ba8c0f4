using System.Reflection;
using System.Text.RegularExpressions;
using LiveShop.Core.Configuration;
using LiveShop.Functions.Http;
using LiveShop.LocalRunner;
using Microsoft.Azure.Functions.Worker;

namespace LiveShop.EndToEndTests;

/// <summary>
/// The runner's development endpoints (/dev/token, /dev/payments/.../authenticate) exist only in the runner: the function
/// app declares no function that could serve them, maps no endpoint of its own, and has no setting that adds one.
/// </summary>
public sealed partial class DevelopmentEndpointsTests
{
    private static readonly Assembly FunctionApp = typeof(Routes).Assembly;

    [Fact]
    public void FunctionsMetadata_NoRouteIsOrCouldCatchADevelopmentEndpoint()
    {
        var routes = FunctionsMetadata.HttpFunctions().Select(f => (f.Name, f.Route)).ToList();

        Assert.NotEmpty(routes);
        Assert.All(routes, r => AssertNotADevelopmentRoute(r.Name, r.Route));
    }

    [Fact]
    public void FunctionAttributes_NoHttpTriggerIsOrCouldCatchADevelopmentEndpoint()
    {
        var triggers = FunctionApp.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static))
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .SelectMany(m => m.GetParameters().Select(p => (Function: m.GetCustomAttribute<FunctionAttribute>()!.Name, Trigger: p.GetCustomAttribute<HttpTriggerAttribute>())))
            .Where(p => p.Trigger is not null)
            .ToList();

        Assert.Equal(FunctionsMetadata.HttpFunctions().Count, triggers.Count);
        Assert.All(triggers, t => AssertNotADevelopmentRoute(t.Function, t.Trigger!.Route ?? t.Function));
    }

    [Fact]
    public void FunctionApp_HasNoRunnerCodeAndMapsNoEndpointsOfItsOwn()
    {
        // The development endpoints and their token issuer are the runner's; the function app does not reference it.
        Assert.NotEqual(FunctionApp, typeof(DevTokens).Assembly);
        Assert.DoesNotContain(FunctionApp.GetReferencedAssemblies(), a => a.Name == typeof(DevTokens).Assembly.GetName().Name);

        // Its only HTTP surface is its functions: no minimal-API or middleware endpoint that a setting could switch on.
        var sources = Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "functions", "LiveShop.Functions"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, f => Assert.False(EndpointMapping().IsMatch(File.ReadAllText(f)), $"{f} maps an endpoint outside the functions."));
    }

    [Fact]
    public void Settings_NoneTurnsOnADevelopmentEndpoint_TheOnlyDevelopmentOneIsRefusedInAzure()
    {
        var devSettings = SettingNames.All.Where(s => s.Contains("dev", StringComparison.OrdinalIgnoreCase)).ToList();

        Assert.Equal([SettingNames.AuthDevSigningKey], devSettings);
        Assert.Contains(SettingNames.AuthDevSigningKey, SettingNames.DevelopmentOnly);
    }

    private static void AssertNotADevelopmentRoute(string function, string route)
    {
        var segments = route.Split('/', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(segments.Length > 0, $"Function {function} has an empty route.");

        // A first segment that is a parameter ("{x}") or catch-all could match /dev/... whatever the route prefix is.
        Assert.False(segments[0].StartsWith('{'), $"Function {function}'s route '{route}' starts with a parameter.");
        Assert.False(segments[0].Equals("dev", StringComparison.OrdinalIgnoreCase), $"Function {function}'s route '{route}' is a development route.");
        Assert.DoesNotContain(segments, s => s.StartsWith("{*", StringComparison.Ordinal) || s.StartsWith("{**", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\.(?:Map(?:Get|Post|Put|Delete|Patch|Methods|Fallback|Group)?|UseEndpoints|UseRouting)\s*\(")]
    private static partial Regex EndpointMapping();

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

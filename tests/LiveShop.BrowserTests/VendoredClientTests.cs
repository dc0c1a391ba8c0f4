using System.Reflection;
using LiveShop.LocalCosmosServer;

namespace LiveShop.BrowserTests;

/// <summary>The pages' SignalR client is the official npm package's browser build, at the version WebPackages/ locks.</summary>
public sealed class VendoredClientTests
{
    [Fact]
    public async Task SignalRBrowserClient_VendoredCopy_EqualsTheLockedNpmPackage()
    {
        var runner = typeof(VendoredClientTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RunnerDirectory").Value!;
        var packages = Path.Combine(runner, "WebPackages");

        await ChildProcess.EnsureNpmPackagesAsync(packages, Path.Combine("@microsoft", "signalr", "package.json"));

        var published = await File.ReadAllBytesAsync(Path.Combine(packages, "node_modules", "@microsoft", "signalr", "dist", "browser", "signalr.min.js"));
        var vendored = await File.ReadAllBytesAsync(Path.Combine(runner, "web", "lib", "signalr.min.js"));
        Assert.Equal(published, vendored);
    }
}

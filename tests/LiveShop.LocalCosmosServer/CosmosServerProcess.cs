using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace LiveShop.LocalCosmosServer;

/// <summary>
/// @vercel/cosmosdb-server on a free loopback port, run by CosmosServer/launcher.js. Installs the npm package
/// (from the committed package-lock.json) when it is missing; stops the server by its PID. The storage tests' fixture
/// and the benchmarks start it.
/// </summary>
public sealed class CosmosServerProcess : IAsyncDisposable
{
    /// <summary>Any well-formed key works: the local server does not check signatures.</summary>
    public const string LocalKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(3);

    private readonly Process _process;

    private CosmosServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Endpoint => $"https://127.0.0.1:{Port}/";

    public static async Task<CosmosServerProcess> StartAsync()
    {
        var directory = ServerDirectory();
        await ChildProcess.EnsureNpmPackagesAsync(directory, Path.Combine("@vercel", "cosmosdb-server", "package.json"));
        var process = ChildProcess.Start("node", ["launcher.js", "0"], directory);
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("listening ", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult(int.Parse(e.Data["listening ".Length..], CultureInfo.InvariantCulture));
            }
        };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The Cosmos server exited with code {process.ExitCode}."));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine(); // the server logs each missing-document read; drain it.
        try
        {
            return new CosmosServerProcess(process, await listening.Task.WaitAsync(StartTimeout));
        }
        catch
        {
            await StopAsync(process);
            throw;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync(_process));

    private static async Task StopAsync(Process process)
    {
        using (process)
        {
            if (process.HasExited)
            {
                return;
            }

            using (var term = ChildProcess.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)], Environment.CurrentDirectory))
            {
                await term.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(StopGrace);
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(); // SIGKILL
                await process.WaitForExitAsync();
            }
        }
    }

    private static string ServerDirectory() =>
        typeof(CosmosServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "CosmosServerDirectory").Value
        ?? throw new InvalidOperationException("The CosmosServerDirectory assembly metadata is missing.");
}

using System.Diagnostics;

namespace LiveShop.InfraTests.Bicep;

/// <summary>One run of the Bicep CLI.</summary>
internal sealed record BicepRun(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"bicep {Command} (exit {ExitCode})\n{StandardError}";
}

/// <summary>Runs the Bicep CLI that restore brought (Azure.Bicep.CommandLine.linux-x64, $(BicepPath)), a few at a time.</summary>
internal sealed class BicepCli(int maxParallel) : IDisposable
{
    private static readonly string Executable = Repository.Metadata("BicepPath");
    private readonly SemaphoreSlim _gate = new(maxParallel, maxParallel);

    public async Task<BicepRun> RunAsync(string workingDirectory, params string[] arguments)
    {
        await _gate.WaitAsync();
        try
        {
            var start = new ProcessStartInfo(Executable)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            // The market files read AZURE_ENV_NAME (azd sets it); the tests use their defaults.
            start.Environment.Remove("AZURE_ENV_NAME");
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Executable}.");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return new BicepRun(string.Join(' ', arguments), process.ExitCode, await output, await error);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}

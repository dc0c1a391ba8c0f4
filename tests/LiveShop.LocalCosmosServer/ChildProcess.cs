using System.Diagnostics;

namespace LiveShop.LocalCosmosServer;

/// <summary>Runs the Node tools the tests install (npm ci, launchers, CLIs) as child processes.</summary>
public static class ChildProcess
{
    /// <summary>Runs a command to its end; throws with its output when it exits with another code than 0.</summary>
    /// <returns>Its standard output.</returns>
    public static async Task<string> RunAsync(
        string fileName, IReadOnlyList<string> arguments, string directory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(fileName, arguments, directory, environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not end within {timeout} in {directory}.");
        }

        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed ({process.ExitCode}) in {directory}:\n{await output}\n{await error}");
    }

    /// <summary>Starts a command with its output and error redirected.</summary>
    public static Process Start(string fileName, IReadOnlyList<string> arguments, string directory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
    }

    /// <summary>Installs the npm packages of <paramref name="directory"/> from its package-lock.json unless <paramref name="marker"/> exists.</summary>
    public static async Task EnsureNpmPackagesAsync(string directory, string marker)
    {
        if (!File.Exists(Path.Combine(directory, "node_modules", marker)))
        {
            await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], directory, TimeSpan.FromMinutes(3));
        }
    }
}

using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace LiveShop.LocalRunner;

/// <summary>The app's non-HTTP functions the runner serves (HTTP functions are its endpoints).</summary>
public sealed record ServedTriggers(IReadOnlyList<DurableFunction> Durable, IReadOnlyList<TimerFunction> Timers);

/// <summary>One timer-triggered function of the app, as its attributes declare it.</summary>
public sealed record TimerFunction(string Name, MethodInfo Method, string Schedule);

/// <summary>
/// Runs the app's timer-triggered functions on their NCRONTAB schedules (six fields, with seconds, as the Functions
/// host reads them), one run at a time per function, on the app's clock.
/// </summary>
public sealed class TimerFunctions(IReadOnlyList<TimerFunction> functions, IServiceProvider services, TimeProvider clock, ILogger<TimerFunctions> logger)
    : BackgroundService
{
    public const string TimerTrigger = "timerTrigger";

    private static readonly CrontabSchedule.ParseOptions WithSeconds = new() { IncludingSeconds = true };

    public static IReadOnlyList<TimerFunction> Discover(Assembly assembly) =>
        AppFunctions.All(assembly)
            .Select(f => (f.Method, f.Function, Trigger: AppFunctions.Trigger<TimerTriggerAttribute>(f.Method)))
            .Where(f => f.Trigger is not null)
            .Select(f => new TimerFunction(f.Function.Name, f.Method, f.Trigger!.Schedule))
            .ToList();

    /// <summary>Runs one timer function now, as its schedule would (for tests and the runner).</summary>
    public Task RunAsync(TimerFunction function, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(function);
        return AppFunctions.RunScopedAsync(services, function.Method, p =>
            p.GetCustomAttribute<TimerTriggerAttribute>() is not null ? new TimerInfo()
            : p.ParameterType == typeof(CancellationToken) ? ct
            : throw new NotSupportedException($"Timer function {function.Name}: the local runner cannot bind parameter '{p.Name}' of type {p.ParameterType.Name}."));
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(functions.Select(f => LoopAsync(f, CrontabSchedule.Parse(f.Schedule, WithSeconds), stoppingToken)));

    private async Task LoopAsync(TimerFunction function, CrontabSchedule schedule, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var next = schedule.GetNextOccurrence(now);
            try
            {
                await Task.Delay(next - now, clock, ct);
                await RunAsync(function, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed run is logged and the schedule goes on, as the Functions host does.
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogError(e, "Timer function {Function} failed", function.Name);
            }
        }
    }
}

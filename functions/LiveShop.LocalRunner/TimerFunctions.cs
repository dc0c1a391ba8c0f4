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

    public static IReadOnlyList<TimerFunction> Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>(), Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).OfType<TimerTriggerAttribute>().SingleOrDefault()))
            .Where(x => x.Function is not null && x.Trigger is not null)
            .Select(x => new TimerFunction(x.Function!.Name, x.Method, x.Trigger!.Schedule))
            .ToList();
    }

    /// <summary>Runs one timer function now, as its schedule would (for tests and the runner).</summary>
    public async Task RunAsync(TimerFunction function, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(function);
        var target = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, function.Method.DeclaringType!);
        var arguments = function.Method.GetParameters().Select(p =>
            p.GetCustomAttribute<TimerTriggerAttribute>() is not null ? new TimerInfo()
            : p.ParameterType == typeof(CancellationToken) ? (object)ct
            : throw new NotSupportedException($"Timer function {function.Name}: the local runner cannot bind parameter '{p.Name}' of type {p.ParameterType.Name}."))
            .ToArray();
        await DurableFunctions.InvokeAsync(function.Method, target, arguments);
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

using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Options;

namespace LiveShop.LocalRunner;

/// <summary>One orchestrator or activity function of the app, as its attributes declare it.</summary>
public sealed record DurableFunction(string Name, string Trigger, MethodInfo Method);

/// <summary>
/// Serves the app's Durable Functions on the in-memory Durable Task backend (Microsoft.DurableTask.InProcessTestHost):
/// every method with [Function] and [OrchestrationTrigger] or [ActivityTrigger] is registered under its function name,
/// and runs as the Functions host would run it (an orchestrator reads its input with context.GetInput&lt;T&gt;(); an
/// activity gets its input and its class's services).
/// </summary>
public static class DurableFunctions
{
    public const string OrchestrationTrigger = "orchestrationTrigger";
    public const string ActivityTrigger = "activityTrigger";

    public static IReadOnlyList<DurableFunction> Discover(Assembly assembly) =>
        AppFunctions.All(assembly)
            .Select(f =>
                AppFunctions.Trigger<OrchestrationTriggerAttribute>(f.Method) is not null ? new DurableFunction(f.Function.Name, OrchestrationTrigger, f.Method)
                : AppFunctions.Trigger<ActivityTriggerAttribute>(f.Method) is not null ? new DurableFunction(f.Function.Name, ActivityTrigger, f.Method)
                : null)
            .OfType<DurableFunction>()
            .ToList();

    /// <summary>Registers every function with the worker's task registry.</summary>
    /// <param name="services">The app's services once it is built (orchestrators log through its logger factory and data converter).</param>
    public static void Register(DurableTaskRegistry registry, IEnumerable<DurableFunction> functions, Func<IServiceProvider> services)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(functions);
        foreach (var function in functions)
        {
            if (function.Trigger == OrchestrationTrigger)
            {
                registry.AddOrchestrator(function.Name, () => new FunctionOrchestrator(function.Method, services()));
            }
            else
            {
                var input = function.Method.GetParameters().Single(p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null).ParameterType;
                registry.AddActivity(function.Name, services => new FunctionActivity(function.Method, input, services));
            }
        }
    }

    internal static Type ResultType(MethodInfo method) =>
        method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
            ? method.ReturnType.GetGenericArguments()[0]
            : typeof(object);

    /// <summary>An orchestrator function: its input stays raw JSON until the function asks for its type.</summary>
    private sealed class FunctionOrchestrator(MethodInfo method, IServiceProvider services) : ITaskOrchestrator
    {
        public Type InputType => typeof(object);

        public Type OutputType => ResultType(method);

        public Task<object?> RunAsync(TaskOrchestrationContext context, object? input)
        {
            if (!method.IsStatic)
            {
                throw new NotSupportedException($"Orchestrator {method.Name} must be static (orchestrators keep no state between replays).");
            }

            var converter = services.GetRequiredService<IOptionsMonitor<DurableTaskWorkerOptions>>().Get(Options.DefaultName).DataConverter;
            return AppFunctions.InvokeAsync(method, null, [new FunctionOrchestrationContext(context, input, converter, services.GetRequiredService<ILoggerFactory>())]);
        }
    }

    /// <summary>An activity function: its class is built in a service scope of its own, its input from the activity's payload.</summary>
    private sealed class FunctionActivity(MethodInfo method, Type inputType, IServiceProvider services) : ITaskActivity
    {
        public Type InputType => inputType;

        public Type OutputType => ResultType(method);

        public Task<object?> RunAsync(TaskActivityContext context, object? input) =>
            AppFunctions.RunScopedAsync(services, method, p =>
                p.GetCustomAttribute<ActivityTriggerAttribute>() is not null ? input
                : p.ParameterType == typeof(CancellationToken) ? CancellationToken.None
                : throw new NotSupportedException($"Activity {method.Name}: the local runner cannot bind parameter '{p.Name}' of type {p.ParameterType.Name}."));
    }

    /// <summary>
    /// The orchestration context as a Functions orchestrator sees it: GetInput&lt;T&gt;() converts the raw input with
    /// the worker's data converter (the Functions extension's own context does the same).
    /// </summary>
    private sealed class FunctionOrchestrationContext(TaskOrchestrationContext inner, object? input, DataConverter converter, ILoggerFactory loggers)
        : TaskOrchestrationContext
    {
        public override TaskName Name => inner.Name;

        public override string InstanceId => inner.InstanceId;

        public override ParentOrchestrationInstance? Parent => inner.Parent;

        public override DateTime CurrentUtcDateTime => inner.CurrentUtcDateTime;

        public override bool IsReplaying => inner.IsReplaying;

        public override string Version => inner.Version;

        public override IReadOnlyDictionary<string, object?> Properties => inner.Properties;

        public override TaskOrchestrationEntityFeature Entities => inner.Entities;

        protected override ILoggerFactory LoggerFactory => loggers;

        public override T? GetInput<T>()
            where T : default => input switch
            {
                null => default,
                T typed => typed,
                JsonElement json => converter.Deserialize<T>(json.GetRawText()),
                _ => converter.Deserialize<T>(converter.Serialize(input)),
            };

        public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null) =>
            inner.CallActivityAsync<TResult>(name, input, options);

        public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken) => inner.CreateTimer(fireAt, cancellationToken);

        public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default) =>
            inner.WaitForExternalEvent<T>(eventName, cancellationToken);

        public override void SendEvent(string instanceId, string eventName, object payload) => inner.SendEvent(instanceId, eventName, payload);

        public override void SetCustomStatus(object? customStatus) => inner.SetCustomStatus(customStatus);

        public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null) =>
            inner.CallSubOrchestratorAsync<TResult>(orchestratorName, input, options);

        public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => inner.ContinueAsNew(newInput, preserveUnprocessedEvents);

        public override Guid NewGuid() => inner.NewGuid();
    }
}

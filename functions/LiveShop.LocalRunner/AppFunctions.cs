using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Azure.Functions.Worker;

namespace LiveShop.LocalRunner;

/// <summary>
/// What the runner's HTTP, Durable and timer hosting share: finding the app's functions from their attributes (the
/// source functions.metadata is generated from) and invoking one as the Functions worker does, in a service scope of
/// its own.
/// </summary>
internal static class AppFunctions
{
    /// <summary>Every public method of the assembly's exported types with a [Function] attribute.</summary>
    public static IEnumerable<(Type Type, MethodInfo Method, FunctionAttribute Function)> All(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly).Select(m => (Type: t, Method: m)))
            .Select(x => (x.Type, x.Method, Function: x.Method.GetCustomAttribute<FunctionAttribute>()!))
            .Where(x => x.Function is not null);
    }

    /// <summary>The function's trigger attribute of this kind (on one of its parameters), or null.</summary>
    public static TTrigger? Trigger<TTrigger>(MethodInfo method)
        where TTrigger : Attribute =>
        method.GetParameters().Select(p => p.GetCustomAttribute<TTrigger>()).OfType<TTrigger>().SingleOrDefault();

    /// <summary>
    /// Runs the function in a service scope of its own (the worker makes one per invocation, so scoped services
    /// live for one run), its class built from that scope; returns what its task returned (null for a plain Task).
    /// </summary>
    public static async Task<object?> RunScopedAsync(IServiceProvider services, MethodInfo method, Func<ParameterInfo, object?> bind)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(bind);
        await using var scope = services.CreateAsyncScope();
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, method.DeclaringType!);
        try
        {
            return await InvokeAsync(method, target, method.GetParameters().Select(bind).ToArray());
        }
        finally
        {
            (target as IDisposable)?.Dispose();
        }
    }

    /// <summary>Invokes the method and awaits its task; the function's own exception is thrown as it was.</summary>
    public static async Task<object?> InvokeAsync(MethodInfo method, object? target, object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(method);
        object? returned;
        try
        {
            returned = method.Invoke(target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }

        if (returned is not Task task)
        {
            return returned;
        }

        await task;
        var type = task.GetType();
        return type.IsGenericType && type.GetGenericArguments()[0].Name != "VoidTaskResult" ? type.GetProperty("Result")!.GetValue(task) : null;
    }
}

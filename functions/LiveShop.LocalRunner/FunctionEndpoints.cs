using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace LiveShop.LocalRunner;

/// <summary>One HTTP function of the app, as its attributes declare it (the same source functions.metadata is generated from).</summary>
public sealed record HttpFunction(string Name, Type Class, MethodInfo Method, string Route, IReadOnlyList<string> Methods);

/// <summary>
/// Finds the app's HTTP functions from their [Function] and [HttpTrigger] attributes and serves them
/// at the host's routes ("{routePrefix}/{route}"), invoking the function methods themselves.
/// </summary>
public static class FunctionEndpoints
{
    public static IReadOnlyList<HttpFunction> Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var functions = new List<HttpFunction>();
        foreach (var (type, method, function) in AppFunctions.All(assembly))
        {
            if (AppFunctions.Trigger<HttpTriggerAttribute>(method) is not { } trigger)
            {
                continue;
            }

            if (trigger.AuthLevel != AuthorizationLevel.Anonymous)
            {
                throw new NotSupportedException(
                    $"Function {function.Name} uses authorization level {trigger.AuthLevel}; the app authenticates callers with bearer tokens, so every function must be Anonymous.");
            }

            var verbs = (trigger.Methods ?? ["get", "post", "put", "delete", "patch", "head", "options"])
                .Select(m => m.ToUpperInvariant()).ToList();
            functions.Add(new HttpFunction(function.Name, type, method, trigger.Route ?? function.Name, verbs));
        }

        return functions;
    }

    /// <summary>Maps each function at "/{routePrefix}/{route}" for its methods.</summary>
    public static void Map(IEndpointRouteBuilder endpoints, IEnumerable<HttpFunction> functions, string routePrefix)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(functions);
        foreach (var function in functions)
        {
            var invoke = BuildInvoker(function);
            var pattern = string.IsNullOrEmpty(routePrefix) ? function.Route : $"{routePrefix}/{function.Route}";
            endpoints.MapMethods(pattern, function.Methods, invoke).WithName(function.Name).WithDisplayName(function.Name).WithMetadata(function);
        }
    }

    private static RequestDelegate BuildInvoker(HttpFunction function)
    {
        var factory = ActivatorUtilities.CreateFactory(function.Class, Type.EmptyTypes);
        var binders = function.Method.GetParameters().Select(p => Binder(function, p)).ToArray();
        return async context =>
        {
            var instance = function.Method.IsStatic ? null : factory(context.RequestServices, null);
            try
            {
                var result = await AppFunctions.InvokeAsync(function.Method, instance, binders.Select(bind => bind(context)).ToArray());
                await Execute(result, context);
            }
            finally
            {
                (instance as IDisposable)?.Dispose();
            }
        };
    }

    private static Func<HttpContext, object?> Binder(HttpFunction function, ParameterInfo parameter)
    {
        if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is not null)
        {
            return parameter.ParameterType == typeof(HttpRequest)
                ? context => context.Request
                : throw Unsupported(function, parameter);
        }

        if (parameter.GetCustomAttribute<DurableClientAttribute>() is not null)
        {
            return parameter.ParameterType == typeof(DurableTaskClient)
                ? context => context.RequestServices.GetRequiredService<DurableTaskClient>()
                : throw Unsupported(function, parameter);
        }

        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return context => context.RequestAborted;
        }

        if (parameter.ParameterType == typeof(string))
        {
            var name = parameter.Name!;
            return context => context.GetRouteValue(name)?.ToString();
        }

        throw Unsupported(function, parameter);
    }

    private static async Task Execute(object? result, HttpContext context)
    {
        switch (result)
        {
            case IResult httpResult:
                await httpResult.ExecuteAsync(context);
                break;
            case IActionResult actionResult:
                await actionResult.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
                break;
            case null:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                throw new InvalidOperationException($"The local runner cannot return a {result.GetType().Name} from an HTTP function.");
        }
    }

    private static NotSupportedException Unsupported(HttpFunction function, ParameterInfo parameter) =>
        new($"Function {function.Name}: the local runner cannot bind parameter '{parameter.Name}' of type {parameter.ParameterType.Name}.");
}

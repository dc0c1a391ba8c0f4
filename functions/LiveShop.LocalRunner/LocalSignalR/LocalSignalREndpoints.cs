using System.Text.Json;
using LiveShop.Core.Configuration;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;

namespace LiveShop.LocalRunner.LocalSignalR;

/// <summary>
/// Serves the stand-in under <see cref="LocalSignalRService.PathBase"/>: the client endpoint (/signalr/client/?hub=...,
/// negotiate included) for real SignalR clients with the token the app issued, and the data-plane REST API
/// (/signalr/api/hubs/{hub}/...) the production adapter calls.
/// </summary>
public static class LocalSignalREndpoints
{
    public static IServiceCollection AddLocalSignalR(this IServiceCollection services)
    {
        services.AddSignalR(o => o.EnableDetailedErrors = false);
        services.AddSingleton<IUserIdProvider, TokenUserIdProvider>();
        services.AddSingleton<LocalSignalRService>();
        services.AddHttpClient(nameof(LocalSignalRService));
        return services;
    }

    /// <summary>The stand-in's endpoints; call before the app's own fallback.</summary>
    public static void MapLocalSignalR(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var clientPath = LocalSignalRService.PathBase + "/client";

        // Client token check (negotiate: Authorization header; WebSockets and SSE: access_token query), and the hub name.
        app.UseWhen(c => c.Request.Path.StartsWithSegments(clientPath), branch => branch.Use(async (context, next) =>
        {
            var service = context.RequestServices.GetRequiredService<LocalSignalRService>();
            if (!string.Equals(context.Request.Query["hub"], service.Hub, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            var header = context.Request.Headers.Authorization.ToString();
            var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : context.Request.Query["access_token"].ToString();
            if (await service.ValidateClientTokenAsync(token) is not { } user)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            context.User = user;
            await next();
        }));
        app.MapHub<LocalLiveHub>(clientPath, o => o.Transports = HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling);

        var hubs = app.MapGroup(LocalSignalRService.PathBase + "/api/hubs/{hub}").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var service = http.RequestServices.GetRequiredService<LocalSignalRService>();
            if (!await service.ValidateRestTokenAsync(http.Request))
            {
                return Results.Unauthorized();
            }

            if (!string.Equals(http.GetRouteValue("hub")?.ToString(), service.Hub, StringComparison.OrdinalIgnoreCase)
                || string.IsNullOrEmpty(http.Request.Query["api-version"]))
            {
                return Results.BadRequest();
            }

            return await next(context);
        });
        hubs.MapPost("/:send", (HttpContext c, IHubContext<LocalLiveHub> hub) => SendAsync(c, hub.Clients.All));
        hubs.MapPost("/groups/{group}/:send", (HttpContext c, string group, IHubContext<LocalLiveHub> hub) => SendAsync(c, hub.Clients.Group(group)));
        hubs.MapPost("/users/{user}/:send", (HttpContext c, string user, IHubContext<LocalLiveHub> hub) => SendAsync(c, hub.Clients.User(user)));
        hubs.MapPost("/connections/{connectionId}/:send", (HttpContext c, string connectionId, IHubContext<LocalLiveHub> hub) => SendAsync(c, hub.Clients.Client(connectionId)));
        hubs.MapPut("/groups/{group}/connections/{connectionId}", async (string group, string connectionId, IHubContext<LocalLiveHub> hub, LocalSignalRService service, HttpContext c) =>
        {
            service.CountRest(send: false);
            if (!service.IsConnected(connectionId))
            {
                return NotExisted(c, "Warning.Connection.NotExisted");
            }

            await hub.Groups.AddToGroupAsync(connectionId, group);
            service.Joined(connectionId, group);
            return Results.Ok();
        });
        hubs.MapDelete("/groups/{group}/connections/{connectionId}", async (string group, string connectionId, IHubContext<LocalLiveHub> hub, LocalSignalRService service) =>
        {
            service.CountRest(send: false);
            await hub.Groups.RemoveFromGroupAsync(connectionId, group);
            service.Left(connectionId, group);
            return Results.Ok();
        });
        hubs.MapMethods("/connections/{connectionId}", [HttpMethods.Head], (string connectionId, LocalSignalRService service, HttpContext c) =>
        {
            service.CountRest(send: false);
            return service.IsConnected(connectionId) ? Results.Ok() : NotExisted(c, "Warning.Connection.NotExisted");
        });
    }

    /// <summary>Sets the endpoint to the runner's own address (plus the path base) once it listens, unless one is configured.</summary>
    public static void UseRunnerAddressWhenUnset(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (string.IsNullOrEmpty(app.Configuration[SettingNames.SignalREndpoint]))
            {
                var address = app.Urls.OrderBy(a => a.StartsWith("http://", StringComparison.Ordinal) ? 0 : 1).First();
                app.Configuration[SettingNames.SignalREndpoint] = address.TrimEnd('/') + LocalSignalRService.PathBase;
            }
        });
    }

    /// <summary>{"target":"method","arguments":[...]} (either casing, as the service accepts) to the clients chosen.</summary>
    private static async Task<IResult> SendAsync(HttpContext context, IClientProxy clients)
    {
        context.RequestServices.GetRequiredService<LocalSignalRService>().CountRest(send: true);
        Payload? payload;
        try
        {
            payload = await JsonSerializer.DeserializeAsync<Payload>(context.Request.Body, PayloadJson, context.RequestAborted);
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }

        if (string.IsNullOrEmpty(payload?.Target))
        {
            return Results.BadRequest();
        }

        context.RequestServices.GetRequiredService<LocalSignalRService>().CountSend(payload.Target);
        await clients.SendCoreAsync(payload.Target, payload.Arguments?.Cast<object?>().ToArray() ?? [], context.RequestAborted);
        return Results.Accepted();
    }

    private static IResult NotExisted(HttpContext context, string code)
    {
        context.Response.Headers["x-ms-error-code"] = code;
        return Results.NotFound();
    }

    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    private sealed record Payload(string? Target, JsonElement[]? Arguments);
}

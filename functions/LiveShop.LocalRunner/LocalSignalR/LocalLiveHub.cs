using Microsoft.AspNetCore.SignalR;

namespace LiveShop.LocalRunner.LocalSignalR;

/// <summary>
/// The stand-in's hub: clients are listen-only, as in serverless mode; what they receive the app sends through the REST
/// API. Opening and closing a connection is told to the app upstream.
/// </summary>
public sealed class LocalLiveHub(LocalSignalRService service) : Hub
{
    public override async Task OnConnectedAsync()
    {
        if (!await service.ConnectedAsync(Context))
        {
            Context.Abort();
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception) => service.DisconnectedAsync(Context, exception);
}

/// <summary>The connection's user is the token's asrs.s.uid (the SDK's claim), else its nameid, as the service reads it.</summary>
public sealed class TokenUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.User?.FindFirst("asrs.s.uid")?.Value ?? connection.User?.FindFirst("nameid")?.Value;
    }
}

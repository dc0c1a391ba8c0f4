using LiveShop.Core.Storage;

namespace LiveShop.Azure.SignalR;

/// <summary>How to reach Azure SignalR Service (settings SignalR:Endpoint and SignalR:AccessKey in SettingNames).</summary>
public sealed class SignalROptions
{
    /// <summary>The data-plane API version every call names (the paths are the same in later versions).</summary>
    public const string ApiVersion = "2022-06-01";

    /// <summary>The API version of the Entra ID key API (GET /api/auth/accessKey), documented from 2024-12-01.</summary>
    public const string AuthApiVersion = "2024-12-01";

    /// <summary>The scope of Entra ID tokens for the service.</summary>
    public const string Scope = "https://signalr.azure.com/.default";

    /// <summary>The service endpoint (https://NAME.service.signalr.net, or a local stand-in's base URL with its path).</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>An access key, for a local stand-in only; without one the app signs in with its managed identity.</summary>
    public string? AccessKey { get; init; }

    /// <summary>The hub, from platform.json (lower-cased, as the service names hubs).</summary>
    public string Hub { get; init; } = PlatformDefinitions.SignalRHub.ToLowerInvariant();

    /// <summary>How long a client's token lasts: it only opens the connection (a reconnect negotiates again).</summary>
    public TimeSpan ClientTokenLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Retries of a failed REST call (429, 408, 5xx, a network failure), with exponential backoff from <see cref="RetryDelay"/>.</summary>
    public int MaxRetries { get; init; } = 3;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The endpoint as a base ending in '/', so relative paths keep its path (a stand-in's path base).</summary>
    public Uri BaseUri => Endpoint.AbsoluteUri.EndsWith('/') ? Endpoint : new Uri(Endpoint.AbsoluteUri + "/");

    /// <summary>Where clients connect: {endpoint}/client/?hub={hub}; also the audience of their tokens.</summary>
    public string ClientUrl => new Uri(BaseUri, "client/").AbsoluteUri + "?hub=" + Uri.EscapeDataString(Hub);
}

namespace LiveShop.Core.Live;

/// <summary>
/// The real-time service (Azure SignalR Service in serverless mode, through its data-plane REST API). Each send is one
/// call to the service whatever the number of receivers. Calls may throw; <see cref="LiveNotifier"/> never lets a failed
/// send fail a request (the next message carries the full state).
/// </summary>
public interface ILiveBroadcaster
{
    Task SendToGroupAsync(string group, string method, ILiveMessage message, CancellationToken cancellationToken);

    Task SendToUserAsync(string userId, string method, ILiveMessage message, CancellationToken cancellationToken);

    /// <summary>Adds a connection to a group; false when the service no longer has the connection.</summary>
    Task<bool> AddToGroupAsync(string connectionId, string group, CancellationToken cancellationToken);

    /// <summary>Whether the service still has the connection.</summary>
    Task<bool> ConnectionExistsAsync(string connectionId, CancellationToken cancellationToken);
}

/// <summary>How clients reach the service and how the service's calls to the app are recognised.</summary>
public interface ILiveAccess
{
    /// <summary>
    /// The serverless negotiate answer for a client: the service's client URL of the hub and a token of the given
    /// user id carrying <paramref name="claims"/> (passed back upstream with the connection's events).
    /// </summary>
    Task<LiveClientAccess> ClientAccessAsync(string userId, IReadOnlyDictionary<string, string> claims, CancellationToken cancellationToken);

    /// <summary>Whether an upstream call about <paramref name="connectionId"/> carries the service's signature (X-ASRS-Signature).</summary>
    Task<bool> IsSignedByServiceAsync(string connectionId, string? signature, CancellationToken cancellationToken);
}

/// <summary>The negotiate answer of serverless mode: where to connect and with which token.</summary>
public sealed record LiveClientAccess(string Url, string AccessToken);

/// <summary>The claims the app puts in a client's token and reads back from the service's upstream events.</summary>
public static class LiveClaims
{
    /// <summary>The stream the connection negotiated for.</summary>
    public const string Stream = "liveshop.stream";

    /// <summary>"true" when the connection is the stream's own merchant (it also gets the host stats).</summary>
    public const string Host = "liveshop.host";
}

/// <summary>The service's upstream events the app handles (infra/ subscribes the upstream to exactly these).</summary>
public static class LiveUpstreamEvents
{
    public const string Category = "connections";
    public const string Connected = "connected";
    public const string Disconnected = "disconnected";

    public static IReadOnlyList<string> All { get; } = [Connected, Disconnected];
}

using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using LiveShop.Core.Configuration;
using LiveShop.Core.Storage;
using LiveShop.Functions.Http;
using LiveShop.Functions.Live;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.SignalR;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiveShop.LocalRunner.LocalSignalR;

/// <summary>
/// The state of the runner's SignalR Service stand-in: its key and endpoint (the app's own settings), the connections it
/// holds, and what it counts. It checks tokens as the service does (HS256 with the access key's UTF-8 bytes, the audience
/// the request's URL or the client URL) and signs its upstream calls to the app with the same key.
/// </summary>
public sealed class LocalSignalRService(IConfiguration configuration, IServer server, IHttpClientFactory http, ILogger<LocalSignalRService> logger)
{
    /// <summary>Where the stand-in is served in the runner (the default SignalR:Endpoint is the runner's URL plus this).</summary>
    public const string PathBase = "/signalr";

    private static readonly JsonWebTokenHandler Tokens = new();

    private readonly ConcurrentDictionary<string, LocalConnection> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Connection, string Group), TaskCompletionSource> _joins = new();
    private readonly ConcurrentDictionary<string, long> _sendsByMethod = new(StringComparer.Ordinal);
    private long _restCalls;
    private long _sends;

    /// <summary>Development only: when set, the stand-in does not tell the app a connection closed (a lost upstream call).</summary>
    public bool DropDisconnectedEvents { get; set; }

    /// <summary>REST calls the stand-in accepted (any operation).</summary>
    public long RestCalls => Interlocked.Read(ref _restCalls);

    /// <summary>Of those, sends (to a group, user, connection or everyone).</summary>
    public long Sends => Interlocked.Read(ref _sends);

    /// <summary>Sends (REST calls) of one client method, e.g. "pinned".</summary>
    public long SendsOf(string method) => _sendsByMethod.GetValueOrDefault(method);

    public string Hub => PlatformDefinitions.SignalRHub.ToLowerInvariant();

    public Uri Endpoint => new((configuration[SettingNames.SignalREndpoint] ?? throw new InvalidOperationException("SignalR:Endpoint is not set yet.")).TrimEnd('/') + "/");

    /// <summary>The client URL of the hub, the audience of client tokens.</summary>
    public string ClientUrl => new Uri(Endpoint, "client/").AbsoluteUri + "?hub=" + Uri.EscapeDataString(Hub);

    private byte[] Key => Encoding.UTF8.GetBytes(configuration[SettingNames.SignalRAccessKey] ?? throw new InvalidOperationException("SignalR:AccessKey is not set."));

    public bool IsConnected(string connectionId) => _connections.ContainsKey(connectionId);

    /// <summary>Whether the connection is in the group (as the app put it there).</summary>
    public bool IsInGroup(string connectionId, string group) =>
        _connections.TryGetValue(connectionId, out var connection) && connection.Groups.ContainsKey(group);

    /// <summary>Completes when the app has put the connection in the group (the upstream "connected" round trip is over).</summary>
    public Task WhenJoinedAsync(string connectionId, string group)
    {
        var joined = _joins.GetOrAdd((connectionId, group), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (IsInGroup(connectionId, group))
        {
            joined.TrySetResult();
        }

        return joined.Task;
    }

    internal void CountSend(string method) => _sendsByMethod.AddOrUpdate(method, 1, (_, n) => n + 1);

    internal void CountRest(bool send)
    {
        Interlocked.Increment(ref _restCalls);
        if (send)
        {
            Interlocked.Increment(ref _sends);
        }
    }

    internal void Joined(string connectionId, string group)
    {
        if (_connections.TryGetValue(connectionId, out var connection))
        {
            connection.Groups.TryAdd(group, 0);
        }

        if (_joins.TryRemove((connectionId, group), out var joined))
        {
            joined.TrySetResult();
        }
    }

    internal void Left(string connectionId, string group)
    {
        if (_connections.TryGetValue(connectionId, out var connection))
        {
            connection.Groups.TryRemove(group, out _);
        }
    }

    /// <summary>A client token: signed with the access key, for the hub's client URL, not expired.</summary>
    internal async Task<ClaimsPrincipal?> ValidateClientTokenAsync(string? token) =>
        await ValidateAsync(token, [ClientUrl]);

    /// <summary>A REST call's token: signed with the access key, its audience the request's URL (without or with its query; with or without the port).</summary>
    internal async Task<bool> ValidateRestTokenAsync(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }

        var path = $"{request.PathBase}{request.Path}";
        var withPort = $"{request.Scheme}://{request.Host}{path}";
        var withoutPort = $"{request.Scheme}://{request.Host.Host}{path}";
        string[] audiences = [withPort, withoutPort, withPort + request.QueryString, withoutPort + request.QueryString];
        return await ValidateAsync(header["Bearer ".Length..], audiences) is not null;
    }

    private async Task<ClaimsPrincipal?> ValidateAsync(string? token, string[] audiences)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var result = await Tokens.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidAudiences = audiences,
            IssuerSigningKey = new SymmetricSecurityKey(Key),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        });
        return result.IsValid ? new ClaimsPrincipal(result.ClaimsIdentity) : null;
    }

    /// <summary>A connection opened: the app hears of it (upstream "connected"); an app that refuses it closes it.</summary>
    internal async Task<bool> ConnectedAsync(HubCallerContext context)
    {
        _connections[context.ConnectionId] = new LocalConnection(context.UserIdentifier, context.User);
        var status = await SendUpstreamAsync(context.ConnectionId, context.UserIdentifier, context.User, "connected", """{"type":10}""");
        if (status is >= 200 and < 300)
        {
            return true;
        }

        logger.LogWarning("The app answered {Status} to connection {ConnectionId}'s connected event; the connection is closed", status, context.ConnectionId);
        _connections.TryRemove(context.ConnectionId, out _);
        return false;
    }

    internal async Task DisconnectedAsync(HubCallerContext context, Exception? error)
    {
        if (!_connections.TryRemove(context.ConnectionId, out var connection) || DropDisconnectedEvents)
        {
            return;
        }

        var body = error is null ? """{"type":11}""" : System.Text.Json.JsonSerializer.Serialize(new { type = 11, error = error.Message });
        await SendUpstreamAsync(context.ConnectionId, connection.UserId, connection.User, "disconnected", body);
    }

    /// <summary>POSTs an upstream event to the app's handler as the service does: X-ASRS-* headers, signed with the access key.</summary>
    private async Task<int> SendUpstreamAsync(string connectionId, string? userId, ClaimsPrincipal? user, string name, string body)
    {
        try
        {
            using var client = http.CreateClient(nameof(LocalSignalRService));
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(LocalRunnerApp.SelfAddress(server), $"/{HostJson.Prefix}/{Routes.LiveUpstream}"))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(LiveFunctions.ConnectionIdHeader, connectionId);
            request.Headers.Add(LiveFunctions.CategoryHeader, "connections");
            request.Headers.Add(LiveFunctions.EventHeader, name);
            request.Headers.Add("X-ASRS-Hub", Hub);
            if (!string.IsNullOrEmpty(userId))
            {
                request.Headers.Add(LiveFunctions.UserIdHeader, userId);
            }

            request.Headers.Add(LiveFunctions.UserClaimsHeader, string.Join(", ", CustomClaims(user).Select(c => $"{c.Type}: {c.Value}")));
            request.Headers.Add(LiveFunctions.SignatureHeader, Sign(connectionId));
            using var response = await client.SendAsync(request);
            return (int)response.StatusCode;
        }
#pragma warning disable CA1031 // Like the service, the stand-in does not retry upstream calls: a failure is logged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogWarning(e, "Upstream {Event} of connection {ConnectionId} failed", name, connectionId);
            return 0;
        }
    }

    /// <summary>sha256=HEX(HMAC-SHA256(access key, connection id)), upper-case hex as the service's emulator writes it.</summary>
    public string Sign(string connectionId) =>
        "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(connectionId)));

    /// <summary>The claims the app put in the token, less the token's own and the service's system claims.</summary>
    private static IEnumerable<Claim> CustomClaims(ClaimsPrincipal? user) =>
        user?.Claims.Where(c => c.Type is not ("aud" or "exp" or "nbf" or "iat" or "iss" or "nameid") && !c.Type.StartsWith("asrs.s.", StringComparison.Ordinal)) ?? [];

    private sealed record LocalConnection(string? UserId, ClaimsPrincipal? User)
    {
        public ConcurrentDictionary<string, byte> Groups { get; } = new(StringComparer.Ordinal);
    }
}

using LiveShop.Core.Errors;
using LiveShop.Core.Live;
using LiveShop.Core.Streams;
using LiveShop.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace LiveShop.Functions.Live;

/// <summary>
/// The real-time contract's HTTP side: negotiation (the serverless redirect to Azure SignalR Service), the service's
/// upstream connection events, and the stream's pin history.
/// </summary>
public sealed class LiveFunctions(HttpEndpoint endpoint, LiveConnections connections, ILiveAccess access, StreamService streams)
{
    public const string ConnectionIdHeader = "X-ASRS-Connection-Id";
    public const string UserIdHeader = "X-ASRS-User-Id";
    public const string UserClaimsHeader = "X-ASRS-User-Claims";
    public const string CategoryHeader = "X-ASRS-Category";
    public const string EventHeader = "X-ASRS-Event";
    public const string SignatureHeader = "X-ASRS-Signature";

    /// <summary>
    /// POST /api/streams/{streamId}/negotiate: anonymous viewers get an anonymous id; a bearer token makes the connection
    /// that viewer's (or merchant's). Answers {"url", "accessToken"}: the service's client URL and a short-lived token.
    /// </summary>
    [Function(nameof(Negotiate))]
    [ApiOperation(
        "Negotiate a live connection", Access = ApiAccess.OptionalBearer, Response = typeof(LiveClientAccess),
        Description = "The SignalR serverless redirect: the service's client URL and a 15-minute access token. See the real-time contract (tag Live).")]
    public Task<IResult> Negotiate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.StreamNegotiate)] HttpRequest request,
        string streamId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var answer = await connections.NegotiateAsync(await api.OptionalCallerAsync(), streamId, ct);
            api.NoStore();
            return TypedResults.Json(answer, ApiJson.Options);
        });

    /// <summary>
    /// The service's upstream calls (category "connections": connected / disconnected), signed with its access key
    /// (X-ASRS-Signature over the connection id). Anything unsigned is refused before it is read.
    /// </summary>
    [Function(nameof(LiveUpstream))]
    [ApiOperation(
        "SignalR Service upstream (connection events)", Access = ApiAccess.SignalRSignature, Status = 204,
        Description = "Called by Azure SignalR Service only (X-ASRS-* headers).")]
    public Task<IResult> LiveUpstream(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.LiveUpstream)] HttpRequest request) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var connectionId = request.Headers[ConnectionIdHeader].ToString();
            if (!await access.IsSignedByServiceAsync(connectionId, request.Headers[SignatureHeader].ToString(), ct))
            {
                throw LiveShopException.Unauthenticated($"Upstream calls must carry the service's {SignatureHeader} of the {ConnectionIdHeader}.");
            }

            var claims = LiveConnections.ParseClaims(request.Headers[UserClaimsHeader].ToString());
            var category = request.Headers[CategoryHeader].ToString();
            var name = request.Headers[EventHeader].ToString();
            switch ((category, name))
            {
                case (LiveUpstreamEvents.Category, LiveUpstreamEvents.Connected):
                    await connections.ConnectedAsync(connectionId, request.Headers[UserIdHeader].ToString() is { Length: > 0 } user ? user : null, claims, ct);
                    break;
                case (LiveUpstreamEvents.Category, LiveUpstreamEvents.Disconnected):
                    await connections.DisconnectedAsync(connectionId, claims, ct);
                    break;
                case (LiveUpstreamEvents.Category, _):
                    throw LiveShopException.BadRequest("Unknown event", $"Connection event '{name}' is not one this app handles (connected, disconnected).");
                default:
                    // Clients are listen-only: messages they send are not handled.
                    throw LiveShopException.NotFound("Upstream handler", $"{category}/{name}");
            }

            return TypedResults.NoContent();
        });

    /// <summary>GET /api/streams/{streamId}/pins?pageSize=&amp;continuationToken=: the pin history, newest first.</summary>
    [Function(nameof(ListPins))]
    [ApiOperation(
        "The pin history", Response = typeof(PinHistoryView), Query = ["pageSize:integer", "continuationToken:string"],
        Description = "Newest first.")]
    public Task<IResult> ListPins(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.StreamPins)] HttpRequest request,
        string streamId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var token = request.Query["continuationToken"].ToString();
            return TypedResults.Json(await streams.PinHistoryAsync(streamId, api.QueryInt("pageSize"), token.Length == 0 ? null : token, ct), ApiJson.Options);
        });
}

using System.Text.Json.Nodes;
using LiveShop.Core.Live;
using LiveShop.Functions.Http;

namespace LiveShop.LocalRunner.OpenApi;

/// <summary>The real-time contract in the document: the Live tag's description and "x-signalr".</summary>
public static partial class ApiDocument
{
    /// <summary>Client methods of the live hub: who gets each and its payload type (a test holds it to LiveMethods.All).</summary>
    public static IReadOnlyDictionary<string, (string To, Type Payload)> ClientMethods { get; } = new Dictionary<string, (string, Type)>
    {
        [LiveMethods.Pinned] = ("stream", typeof(PinnedMessage)),
        [LiveMethods.Unpinned] = ("stream", typeof(UnpinnedMessage)),
        [LiveMethods.SaleChanged] = ("stream", typeof(SaleChangedMessage)),
        [LiveMethods.StockChanged] = ("stream", typeof(StockChangedMessage)),
        [LiveMethods.Viewers] = ("stream", typeof(ViewersMessage)),
        [LiveMethods.StreamState] = ("stream", typeof(StreamStateMessage)),
        [LiveMethods.Stats] = ("host", typeof(StatsMessage)),
        [LiveMethods.Checkout] = ("buyer", typeof(CheckoutMessage)),
    };

    private static string LiveDescription()
    {
        var lines = new List<string>
        {
            "Real-time updates over Azure SignalR Service (serverless). Build a SignalR client with "
            + "`withUrl(\"<base>/api/streams/{streamId}\")` (bearer token as `accessTokenFactory` when signed in): it POSTs "
            + "`.../negotiate` and connects to the service with the answer's `url` and `accessToken`. Clients are listen-only. "
            + "Each client method receives one camelCase JSON object; keep, per kind of state, the message with the highest "
            + "`sequence`. Method, recipients and payload schema:",
            string.Empty,
            "| Method | To | Payload |",
            "| --- | --- | --- |",
        };
        lines.AddRange(ClientMethods.Select(m => $"| `{m.Key}` | {m.Value.To} | `{m.Value.Payload.Name}` |"));
        return string.Join('\n', lines);
    }

    private static JsonObject RealTime(ApiSchemas schemas, string routePrefix)
    {
        var methods = new JsonObject();
        foreach (var (name, (to, payload)) in ClientMethods)
        {
            methods[name] = new JsonObject { ["to"] = to, ["payload"] = schemas.Reference(payload) };
        }

        return new JsonObject
        {
            ["hub"] = Core.Storage.PlatformDefinitions.SignalRHub,
            ["negotiate"] = $"/{routePrefix}/{Routes.StreamNegotiate}",
            ["clientMethods"] = methods,
        };
    }
}

using System.Text.Json.Nodes;
using LiveShop.Functions.Http;

namespace LiveShop.LocalRunner.OpenApi;

/// <summary>The document's security schemes and each operation's requirement.</summary>
public static partial class ApiDocument
{
    private static JsonArray Security(ApiAccess access) => access switch
    {
        ApiAccess.Anonymous => [],
        ApiAccess.OptionalBearer => [new JsonObject(), new JsonObject { ["bearer"] = new JsonArray() }],
        ApiAccess.Bearer => [new JsonObject { ["bearer"] = new JsonArray() }],
        ApiAccess.Shopper => [new JsonObject { ["bearer"] = new JsonArray() }, new JsonObject { ["guestToken"] = new JsonArray() }],
        ApiAccess.BearerAndGuest => [new JsonObject { ["bearer"] = new JsonArray(), ["guestToken"] = new JsonArray() }],
        ApiAccess.StripeSignature => [new JsonObject { ["stripeSignature"] = new JsonArray() }],
        ApiAccess.SignalRSignature => [new JsonObject { ["signalRSignature"] = new JsonArray() }],
        ApiAccess.EventGridKey => [new JsonObject { ["eventGridKey"] = new JsonArray() }],
        _ => throw new ArgumentOutOfRangeException(nameof(access), access, null),
    };

    private static JsonObject SecuritySchemes() => new()
    {
        ["bearer"] = new JsonObject
        {
            ["type"] = "http",
            ["scheme"] = "bearer",
            ["bearerFormat"] = "JWT",
            ["description"] = "An OpenID Connect access token (roles claim: viewer, merchant, ops; merchant_id for a merchant). "
                + "The local runner issues development tokens at POST /dev/token.",
        },
        ["guestToken"] = ApiKey(ApiRequest.GuestTokenHeader, "A guest shopper's token from POST /api/guests (carts only)."),
        ["stripeSignature"] = ApiKey(LiveShop.Functions.Payments.PaymentWebhookFunctions.SignatureHeader, "Stripe's webhook signature."),
        ["signalRSignature"] = ApiKey(LiveShop.Functions.Live.LiveFunctions.SignatureHeader, "Azure SignalR Service's upstream signature."),
        ["eventGridKey"] = new JsonObject
        {
            ["type"] = "apiKey",
            ["in"] = "query",
            ["name"] = LiveShop.Functions.Events.EventGridFunctions.KeyParameter,
            ["description"] = "The delivery key Event Grid's webhook subscription puts in the endpoint's query (a Key Vault secret).",
        },
    };

    private static JsonObject ApiKey(string header, string description) => new()
    {
        ["type"] = "apiKey",
        ["in"] = "header",
        ["name"] = header,
        ["description"] = description,
    };
}

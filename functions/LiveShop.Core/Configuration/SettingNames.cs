namespace LiveShop.Core.Configuration;

/// <summary>
/// Every setting the app reads, by its configuration key. In app settings and environment variables
/// the ':' is written '__' (Auth:Audience -> Auth__Audience). local.settings.sample.json, the README's
/// settings table and infra/ are checked against this list by tests.
/// </summary>
public static class SettingNames
{
    /// <summary>Comma-separated market codes this deployment serves; empty means every market.</summary>
    public const string Markets = "LiveShop:Markets";

    /// <summary>"InMemory" (default) or "Cosmos".</summary>
    public const string StorageProvider = "Storage:Provider";

    /// <summary>The Cosmos DB account endpoint (https://ACCOUNT.documents.azure.com:443/).</summary>
    public const string CosmosEndpoint = "Cosmos:Endpoint";

    /// <summary>A Cosmos DB account key, for local emulators only; when empty the app uses its managed identity.</summary>
    public const string CosmosKey = "Cosmos:Key";

    /// <summary>Accept the emulator's self-signed certificate and talk to the gateway only (local development).</summary>
    public const string CosmosEmulator = "Cosmos:Emulator";

    /// <summary>The OpenID Connect issuer whose tokens the app accepts (its metadata is read from ISSUER/.well-known/openid-configuration).</summary>
    public const string AuthIssuer = "Auth:Issuer";

    /// <summary>The audience the tokens must carry.</summary>
    public const string AuthAudience = "Auth:Audience";

    /// <summary>Development only: a symmetric key (base64, 32+ bytes) that signs and validates tokens instead of OIDC metadata.</summary>
    public const string AuthDevSigningKey = "Auth:DevSigningKey";

    /// <summary>How long, in milliseconds, the stream-with-showcase read may be served from memory.</summary>
    public const string StreamCacheMilliseconds = "LiveShop:StreamCacheMilliseconds";

    /// <summary>Minutes a cart may stay untouched before it expires (Cosmos DB time to live).</summary>
    public const string CartIdleMinutes = "LiveShop:CartIdleMinutes";

    /// <summary>Minutes a checkout waits for the buyer's payment action (3-D Secure) before it expires and releases its stock.</summary>
    public const string PaymentActionMinutes = "LiveShop:PaymentActionMinutes";

    /// <summary>"Simulated" (default; local only) or "Stripe".</summary>
    public const string PaymentProvider = "Payments:Provider";

    /// <summary>The Key Vault (https://NAME.vault.azure.net/) holding the Stripe secrets named in platform.json; read with the app's identity.</summary>
    public const string PaymentVault = "Payments:Vault";

    /// <summary>Development only: a Stripe API key (test mode) used instead of the Key Vault's.</summary>
    public const string StripeApiKey = "Payments:StripeApiKey";

    /// <summary>Development only: another Stripe API base (a local Stripe stand-in).</summary>
    public const string StripeApiBase = "Payments:StripeApiBase";

    /// <summary>Development only: the webhook signing secret (the simulated provider signs with it; default: random per start).</summary>
    public const string PaymentWebhookSecret = "Payments:WebhookSecret";

    /// <summary>Azure SignalR Service's endpoint (https://NAME.service.signalr.net; the runner's stand-in: its URL + /signalr).</summary>
    public const string SignalREndpoint = "SignalR:Endpoint";

    /// <summary>Development only: the access key of a local SignalR stand-in; in Azure the app uses its managed identity.</summary>
    public const string SignalRAccessKey = "SignalR:AccessKey";

    /// <summary>The Event Grid topic domain events are published to (https://NAME.REGION-1.eventgrid.azure.net/api/events; the runner's stand-in: its URL + /eventgrid/api/events).</summary>
    public const string EventGridTopicEndpoint = "EventGrid:TopicEndpoint";

    /// <summary>Development only: the access key of a local Event Grid stand-in; in Azure the app publishes with its managed identity.</summary>
    public const string EventGridTopicKey = "EventGrid:TopicKey";

    /// <summary>The secret key Event Grid deliveries carry in the handler's URL (?key=); comma-separated during a rotation. In Azure a Key Vault reference.</summary>
    public const string EventGridDeliveryKey = "EventGrid:DeliveryKey";

    /// <summary>The settings a deployed (Azure) function app is given; infra/ must set exactly these.</summary>
    public static IReadOnlyList<string> Production { get; } =
    [
        Markets, StorageProvider, CosmosEndpoint, AuthIssuer, AuthAudience, StreamCacheMilliseconds, CartIdleMinutes,
        PaymentActionMinutes, PaymentProvider, PaymentVault, SignalREndpoint, EventGridTopicEndpoint, EventGridDeliveryKey,
    ];

    /// <summary>Settings only for local development and tests (keys, emulators); never set in Azure.</summary>
    public static IReadOnlyList<string> DevelopmentOnly { get; } =
        [CosmosKey, CosmosEmulator, AuthDevSigningKey, StripeApiKey, StripeApiBase, PaymentWebhookSecret, SignalRAccessKey, EventGridTopicKey];

    /// <summary>Every setting the app reads.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Production, .. DevelopmentOnly];

    /// <summary>The name as written in app settings and environment variables.</summary>
    public static string AsEnvironmentVariable(string setting) => setting.Replace(":", "__", StringComparison.Ordinal);
}

/// <summary>The values of <see cref="SettingNames.PaymentProvider"/>.</summary>
public static class PaymentProviders
{
    public const string Simulated = "Simulated";
    public const string Stripe = "Stripe";
}

/// <summary>The values of <see cref="SettingNames.StorageProvider"/>.</summary>
public static class StorageProviders
{
    public const string InMemory = "InMemory";
    public const string Cosmos = "Cosmos";
}

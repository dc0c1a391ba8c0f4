using LiveShop.Core.Definitions;

namespace LiveShop.Core.Storage;

/// <summary>
/// The names code and infra/ share (Cosmos database, containers and partition keys, SignalR hub),
/// loaded from Definitions/platform.json, which infra/main.bicep reads with loadJsonContent.
/// </summary>
public static class PlatformDefinitions
{
    private static readonly PlatformFile File = DefinitionFiles.Load<PlatformFile>("platform.json");

    public static string CosmosDatabase => File.Cosmos.Database;

    public static IReadOnlyList<ContainerDefinition> Containers => File.Cosmos.Containers;

    public static string SignalRHub => File.SignalR.Hub;

    /// <summary>The Key Vault secret that holds the Stripe API (secret) key.</summary>
    public static string StripeApiKeySecret => File.KeyVault.StripeApiKey;

    /// <summary>The Key Vault secret that holds the Stripe webhook signing secret (its two newest enabled versions are accepted).</summary>
    public static string StripeWebhookSecret => File.KeyVault.StripeWebhookSecret;

    /// <summary>The Key Vault secret that holds the key Event Grid deliveries carry in the handler's URL.</summary>
    public static string EventGridDeliveryKeySecret => File.KeyVault.EventGridDeliveryKey;

    public static ContainerDefinition Products => Container("products");

    public static ContainerDefinition Streams => Container("streams");

    public static ContainerDefinition Carts => Container("carts");

    public static ContainerDefinition Stock => Container("stock");

    public static ContainerDefinition Checkouts => Container("checkouts");

    public static ContainerDefinition Orders => Container("orders");

    public static ContainerDefinition Claims => Container("claims");

    public static ContainerDefinition PaymentEvents => Container("paymentEvents");

    public static ContainerDefinition Live => Container("live");

    /// <summary>Sent marks of domain events and the outbox sweep's cursor.</summary>
    public static ContainerDefinition Outbox => Container("outbox");

    public static ContainerDefinition Container(string name) =>
        File.Cosmos.Containers.SingleOrDefault(c => c.Name == name)
        ?? throw new InvalidOperationException($"Container '{name}' is not defined in platform.json.");

    private sealed record PlatformFile(CosmosSection Cosmos, KeyVaultSection KeyVault, SignalRSection SignalR);

    private sealed record KeyVaultSection(string StripeApiKey, string StripeWebhookSecret, string EventGridDeliveryKey);

    private sealed record CosmosSection(string Database, IReadOnlyList<ContainerDefinition> Containers);

    private sealed record SignalRSection(string Hub);
}

/// <summary>One Cosmos container: its name, partition key path, default TTL and indexing paths.</summary>
public sealed record ContainerDefinition(
    string Name,
    string PartitionKeyPath,
    int? DefaultTtlSeconds,
    IReadOnlyList<string> IncludedPaths,
    IReadOnlyList<string> ExcludedPaths);

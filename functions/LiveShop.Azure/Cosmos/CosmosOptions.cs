using LiveShop.Core.Storage;

namespace LiveShop.Azure.Cosmos;

/// <summary>How to reach Cosmos DB (settings Cosmos:Endpoint, Cosmos:Key, Cosmos:Emulator in SettingNames).</summary>
public sealed class CosmosOptions
{
    /// <summary>The account endpoint, https://ACCOUNT.documents.azure.com:443/ (or a local server's address).</summary>
    public required string Endpoint { get; init; }

    /// <summary>An account key, for local servers only; when empty the client signs in with the app's system-assigned managed identity.</summary>
    public string? Key { get; init; }

    /// <summary>
    /// A local server (emulator or @vercel/cosmosdb-server): gateway mode, this endpoint only, its self-signed
    /// certificate accepted. Development only: the app refuses it in Azure.
    /// </summary>
    public bool Emulator { get; init; }

    public string DatabaseName { get; init; } = PlatformDefinitions.CosmosDatabase;

    /// <summary>
    /// Handlers placed in front of the client's HTTP handler, outermost first (e.g. a <see cref="CosmosRequestCounter"/>).
    /// A handler instance can serve one client only. In direct mode (the default outside <see cref="Emulator"/>),
    /// data operations travel over TCP and only metadata requests pass through these handlers.
    /// </summary>
    public IReadOnlyList<DelegatingHandler> HttpHandlers { get; init; } = [];
}

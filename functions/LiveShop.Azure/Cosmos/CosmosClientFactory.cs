using Azure.Identity;
using LiveShop.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LiveShop.Azure.Cosmos;

/// <summary>Builds the one <see cref="CosmosClient"/> the app uses, serialising documents with <see cref="StorageJson.Options"/>.</summary>
public static class CosmosClientFactory
{
    public static CosmosClient Create(CosmosOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = "liveshop",
            UseSystemTextJsonSerializerWithOptions = StorageJson.Options,
            HttpClientFactory = HttpClientFactory(options),
        };
        if (options.Emulator)
        {
            clientOptions.ConnectionMode = ConnectionMode.Gateway;
            clientOptions.LimitToEndpoint = true;
        }

        return string.IsNullOrEmpty(options.Key)
            ? new CosmosClient(options.Endpoint, new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned), clientOptions)
            : new CosmosClient(options.Endpoint, options.Key, clientOptions);
    }

    /// <summary>The SDK's own HTTP client unless an emulator certificate or extra handlers need one of ours.</summary>
    private static Func<HttpClient>? HttpClientFactory(CosmosOptions options)
    {
        if (!options.Emulator && options.HttpHandlers.Count == 0)
        {
            return null;
        }

        return () =>
        {
            HttpMessageHandler handler = options.Emulator
                ? new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator }
                : new SocketsHttpHandler();
            foreach (var outer in options.HttpHandlers.Reverse())
            {
                outer.InnerHandler = handler;
                handler = outer;
            }

            return new HttpClient(handler);
        };
    }
}

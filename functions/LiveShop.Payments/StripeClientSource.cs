using Stripe;

namespace LiveShop.Payments;

/// <summary>A Stripe client for the current API key (a new one after the key is rotated), optionally against another API base.</summary>
public sealed class StripeClientSource(IPaymentSecrets secrets, string? apiBase, HttpClient httpClient)
{
    /// <summary>One immutable object, swapped whole: a reader never sees one key with another key's client.</summary>
    private Current? _current;

    public async Task<IStripeClient> GetAsync(CancellationToken cancellationToken)
    {
        var key = await secrets.ApiKeyAsync(cancellationToken);
        if (Volatile.Read(ref _current) is { } current && current.Key == key)
        {
            return current.Client;
        }

        var client = new StripeClient(new StripeClientOptions
        {
            ApiKey = key,
            ApiBase = string.IsNullOrEmpty(apiBase) ? StripeClient.DefaultApiBase : apiBase.TrimEnd('/'),
            // Stripe.net retries network errors itself (with the request's idempotency key); the orchestration retries beyond.
            HttpClient = new SystemNetHttpClient(httpClient, maxNetworkRetries: 2),
        });
        Volatile.Write(ref _current, new Current(key, client));
        return client;
    }

    private sealed record Current(string Key, IStripeClient Client);
}

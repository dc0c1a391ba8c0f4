using Azure;
using Azure.Security.KeyVault.Secrets;
using LiveShop.Core.Storage;

namespace LiveShop.Payments;

/// <summary>The Stripe secrets: the API key and the webhook signing secrets accepted now (two during a rotation).</summary>
public interface IPaymentSecrets
{
    Task<string> ApiKeyAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> WebhookSecretsAsync(CancellationToken cancellationToken);
}

/// <summary>Secrets given directly (local development and tests).</summary>
public sealed class ConfiguredPaymentSecrets(string? apiKey, IReadOnlyList<string> webhookSecrets) : IPaymentSecrets
{
    public Task<string> ApiKeyAsync(CancellationToken cancellationToken) =>
        Task.FromResult(apiKey ?? throw new InvalidOperationException("No Stripe API key is configured."));

    public Task<IReadOnlyList<string>> WebhookSecretsAsync(CancellationToken cancellationToken) => Task.FromResult(webhookSecrets);
}

/// <summary>
/// Secrets from the market's Key Vault (names in platform.json), read with the app's identity and kept for
/// <see cref="Refresh"/>, so a rotated secret is picked up within minutes. Webhook signatures are accepted with the
/// newest two enabled versions of the webhook secret: Stripe signs with both for a while after a rotation.
/// </summary>
public sealed class KeyVaultPaymentSecrets(SecretClient vault, TimeProvider clock) : IPaymentSecrets, IDisposable
{
    public static readonly TimeSpan Refresh = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    /// <summary>The secrets last read: one immutable object, swapped whole, so a reader never sees half of a refresh.</summary>
    private Secrets? _current;

    public async Task<string> ApiKeyAsync(CancellationToken cancellationToken) => (await CurrentAsync(cancellationToken)).ApiKey;

    public void Dispose() => _gate.Dispose();

    public async Task<IReadOnlyList<string>> WebhookSecretsAsync(CancellationToken cancellationToken) => (await CurrentAsync(cancellationToken)).WebhookSecrets;

    private async Task<Secrets> CurrentAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _current) is { } fresh && clock.GetUtcNow() - fresh.ReadAt < Refresh)
        {
            return fresh;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_current is { } again && clock.GetUtcNow() - again.ReadAt < Refresh)
            {
                return again;
            }

            return await ReadAsync(ct);
        }
        catch (Exception e) when (e is RequestFailedException or Azure.Identity.AuthenticationFailedException && _current is { } last)
        {
            // Key Vault unreachable: keep the secrets last read (they were valid) and try again at the next refresh.
            Volatile.Write(ref _current, last with { ReadAt = clock.GetUtcNow() });
            return last;
        }
        catch (Exception e) when (e is RequestFailedException or Azure.Identity.AuthenticationFailedException)
        {
            // Never read yet: the payment secrets are unavailable, as the provider would be (retry later).
            throw new LiveShop.Core.Payments.PaymentUnavailableException($"The payment secrets could not be read from Key Vault ({e.Message}).", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Secrets> ReadAsync(CancellationToken ct)
    {
        var apiKey = (await vault.GetSecretAsync(PlatformDefinitions.StripeApiKeySecret, cancellationToken: ct)).Value.Value;
        var versions = new List<SecretProperties>();
        await foreach (var version in vault.GetPropertiesOfSecretVersionsAsync(PlatformDefinitions.StripeWebhookSecret, ct))
        {
            if (version.Enabled == true)
            {
                versions.Add(version);
            }
        }

        var secrets = new List<string>();
        foreach (var version in versions.OrderByDescending(v => v.CreatedOn).Take(2))
        {
            secrets.Add((await vault.GetSecretAsync(version.Name, version.Version, ct)).Value.Value);
        }

        var read = new Secrets(apiKey, secrets, clock.GetUtcNow());
        Volatile.Write(ref _current, read);
        return read;
    }

    private sealed record Secrets(string ApiKey, IReadOnlyList<string> WebhookSecrets, DateTimeOffset ReadAt);
}

using Azure;
using Azure.Security.KeyVault.Secrets;
using LiveShop.Core.Storage;
using LiveShop.Core.Payments;
using LiveShop.Payments;
using LiveShop.UnitTests.Payments.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace LiveShop.UnitTests.Payments;

/// <summary>
/// KeyVaultPaymentSecrets through Azure's real SecretClient (challenge-based bearer authentication, paging) against
/// <see cref="FakeKeyVaultServer"/> over TLS, with a fake token credential and a fake clock.
/// </summary>
public sealed class KeyVaultPaymentSecretsTests : IClassFixture<FakeKeyVaultServer>, IDisposable
{
    private static readonly string ApiKeyName = PlatformDefinitions.StripeApiKeySecret;
    private static readonly string WebhookName = PlatformDefinitions.StripeWebhookSecret;
    private readonly FakeKeyVaultServer _vault;
    private readonly FakeTokenCredential _credential = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero));
    private readonly KeyVaultPaymentSecrets _secrets;

    public KeyVaultPaymentSecretsTests(FakeKeyVaultServer vault)
    {
        _vault = vault;
        _vault.Reset();
        _vault.PageSize = 2;
        _secrets = new KeyVaultPaymentSecrets(_vault.Client(_credential), _clock);
    }

    public void Dispose() => _secrets.Dispose();

    private int Reads(string name) => _vault.AuthorizedRequests.Count(r => r.Path.TrimEnd('/') == $"/secrets/{name}");

    [Fact]
    public async Task SecretClient_PlainHttpVault_RefusesToSendAToken()
    {
        // Why the fake vault listens on HTTPS: Azure.Core's bearer token policy refuses plain HTTP before sending.
        var client = new SecretClient(new Uri("http://127.0.0.1:9/"), _credential, new SecretClientOptions { DisableChallengeResourceVerification = true });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetSecretAsync(ApiKeyName));

        Assert.Contains("https", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ApiKeyAsync_Vault_ReadsTheApiKeySecretWithTheChallengedToken()
    {
        _vault.SetSecret(ApiKeyName, "sk_live_first");
        _vault.SetSecret(WebhookName, "whsec_1");

        var apiKey = await _secrets.ApiKeyAsync(CancellationToken.None);

        Assert.Equal("sk_live_first", apiKey);
        Assert.Contains(FakeKeyVaultServer.Resource + "/.default", _credential.Scopes);
        Assert.All(_vault.AuthorizedRequests, r =>
        {
            Assert.Equal("Bearer " + FakeKeyVaultServer.Token, r.Authorization);
            Assert.False(string.IsNullOrEmpty(r.Query["api-version"]));
        });
    }

    [Fact]
    public async Task ApiKeyAsync_NewerApiKeyVersion_ReadsTheNewest()
    {
        _vault.SetSecret(ApiKeyName, "sk_live_old");
        _vault.SetSecret(ApiKeyName, "sk_live_new");
        _vault.SetSecret(WebhookName, "whsec_1");

        Assert.Equal("sk_live_new", await _secrets.ApiKeyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task WebhookSecretsAsync_SeveralVersions_ReturnsTheTwoNewestEnabledNewestFirst()
    {
        _vault.SetSecret(ApiKeyName, "sk_live_1");
        _vault.SetSecret(WebhookName, "whsec_oldest");
        _vault.SetSecret(WebhookName, "whsec_older");
        _vault.SetSecret(WebhookName, "whsec_previous");
        _vault.SetSecret(WebhookName, "whsec_revoked", enabled: false);
        _vault.SetSecret(WebhookName, "whsec_current");

        var secrets = await _secrets.WebhookSecretsAsync(CancellationToken.None);

        // Five versions on three pages of two: every page is read, the disabled version is never fetched.
        Assert.Equal(["whsec_current", "whsec_previous"], secrets);
        Assert.Equal(3, _vault.AuthorizedRequests.Count(r => r.Path.EndsWith("/versions", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task WebhookSecretsAsync_OneVersion_ReturnsIt()
    {
        _vault.SetSecret(ApiKeyName, "sk_live_1");
        _vault.SetSecret(WebhookName, "whsec_only");

        Assert.Equal(["whsec_only"], await _secrets.WebhookSecretsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task WebhookSecretsAsync_NewestVersionDisabled_IsNotAccepted()
    {
        _vault.SetSecret(ApiKeyName, "sk_live_1");
        _vault.SetSecret(WebhookName, "whsec_a");
        _vault.SetSecret(WebhookName, "whsec_b");
        _vault.SetSecret(WebhookName, "whsec_leaked", enabled: false);

        Assert.Equal(["whsec_b", "whsec_a"], await _secrets.WebhookSecretsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Secrets_WithinTheRefreshInterval_AreServedFromMemory()
    {
        _vault.SetSecret(ApiKeyName, "sk_live_1");
        _vault.SetSecret(WebhookName, "whsec_1");
        await _secrets.ApiKeyAsync(CancellationToken.None);
        var requestsAfterFirstRead = _vault.AuthorizedRequests.Count;
        _vault.SetSecret(ApiKeyName, "sk_live_2");
        _vault.SetSecret(WebhookName, "whsec_2");

        _clock.Advance(KeyVaultPaymentSecrets.Refresh - TimeSpan.FromSeconds(1));
        var apiKey = await _secrets.ApiKeyAsync(CancellationToken.None);
        var webhookSecrets = await _secrets.WebhookSecretsAsync(CancellationToken.None);

        Assert.Equal("sk_live_1", apiKey);
        Assert.Equal(["whsec_1"], webhookSecrets);
        Assert.Equal(requestsAfterFirstRead, _vault.AuthorizedRequests.Count);
    }

    [Fact]
    public async Task Secrets_AfterTheRefreshInterval_AreReadAgain()
    {
        _vault.SetSecret(ApiKeyName, "sk_live_1");
        _vault.SetSecret(WebhookName, "whsec_1");
        await _secrets.WebhookSecretsAsync(CancellationToken.None);
        _vault.SetSecret(ApiKeyName, "sk_live_2");
        _vault.SetSecret(WebhookName, "whsec_2");

        _clock.Advance(KeyVaultPaymentSecrets.Refresh);
        var apiKey = await _secrets.ApiKeyAsync(CancellationToken.None);
        var webhookSecrets = await _secrets.WebhookSecretsAsync(CancellationToken.None);

        // After a rotation both the new and the previous webhook secret are accepted.
        Assert.Equal("sk_live_2", apiKey);
        Assert.Equal(["whsec_2", "whsec_1"], webhookSecrets);
        Assert.Equal(2, Reads(ApiKeyName));
    }

    [Theory]
    [InlineData("whsec_previous")]
    [InlineData("whsec_current")]
    public async Task StripeWebhookVerifier_DuringARotationInTheVault_AcceptsEitherSecret(string signer)
    {
        _vault.SetSecret(ApiKeyName, "sk_live_1");
        _vault.SetSecret(WebhookName, "whsec_retired");
        _vault.SetSecret(WebhookName, "whsec_previous");
        _vault.SetSecret(WebhookName, "whsec_current");
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated");

        var verified = await new StripeWebhookVerifier(_secrets, _clock).VerifyAsync(body, StripeEvents.Sign(body, signer, _clock.GetUtcNow()), CancellationToken.None);

        Assert.Equal("evt_1", verified.EventId);
    }

    [Fact]
    public async Task StripeWebhookVerifier_SignedWithARetiredVersion_IsRefused()
    {
        _vault.SetSecret(ApiKeyName, "sk_live_1");
        _vault.SetSecret(WebhookName, "whsec_retired");
        _vault.SetSecret(WebhookName, "whsec_previous");
        _vault.SetSecret(WebhookName, "whsec_current");
        var body = StripeEvents.PaymentIntentEvent("payment_intent.amount_capturable_updated");

        await Assert.ThrowsAsync<Core.Errors.LiveShopException>(() =>
            new StripeWebhookVerifier(_secrets, _clock).VerifyAsync(body, StripeEvents.Sign(body, "whsec_retired", _clock.GetUtcNow()), CancellationToken.None));
    }

    [Fact]
    public async Task Secrets_ConcurrentFirstReads_ReadTheVaultOnce()
    {
        _vault.SetSecret(ApiKeyName, "sk_live_1");
        _vault.SetSecret(WebhookName, "whsec_1");

        var keys = await Builders.Race.RunAsync(Enumerable.Range(0, 8), _ => _secrets.ApiKeyAsync(CancellationToken.None));

        Assert.All(keys, k => Assert.Equal("sk_live_1", k));
        Assert.Equal(1, Reads(ApiKeyName));
    }

    [Fact]
    public async Task Secrets_VaultFailsBeforeAnyRead_IsUnavailableAndTheNextCallReadsAgain()
    {
        _vault.SetSecret(ApiKeyName, "sk_live_1");
        _vault.SetSecret(WebhookName, "whsec_1");
        _vault.Fail(503);

        var error = Assert.IsType<RequestFailedException>((await Assert.ThrowsAsync<PaymentUnavailableException>(() => _secrets.ApiKeyAsync(CancellationToken.None))).InnerException);
        var apiKey = await _secrets.ApiKeyAsync(CancellationToken.None);

        Assert.Equal(503, error.Status);
        Assert.Equal("sk_live_1", apiKey);
    }

    [Fact]
    public async Task Secrets_VaultFailsAfterARead_KeepsTheLastSecretsUntilTheNextRefresh()
    {
        _vault.SetSecret(ApiKeyName, "sk_live_1");
        _vault.SetSecret(WebhookName, "whsec_1");
        await _secrets.ApiKeyAsync(CancellationToken.None);
        _clock.Advance(KeyVaultPaymentSecrets.Refresh);
        _vault.Fail(503);
        _vault.SetSecret(ApiKeyName, "sk_live_2");

        var during = await _secrets.ApiKeyAsync(CancellationToken.None);
        _clock.Advance(KeyVaultPaymentSecrets.Refresh);
        var after = await _secrets.ApiKeyAsync(CancellationToken.None);

        Assert.Equal(("sk_live_1", "sk_live_2"), (during, after));
    }

    [Fact]
    public async Task Secrets_ApiKeySecretMissing_IsUnavailableWithTheVaultsNotFound()
    {
        _vault.SetSecret(WebhookName, "whsec_1");

        var error = Assert.IsType<RequestFailedException>((await Assert.ThrowsAsync<PaymentUnavailableException>(() => _secrets.ApiKeyAsync(CancellationToken.None))).InnerException);

        Assert.Equal(404, error.Status);
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LiveShop.UnitTests.Payments.Fakes;

/// <summary>
/// A local stand-in for the Key Vault secrets data plane the payment secrets read: GET /secrets/{name}[/{version}] and
/// GET /secrets/{name}/versions (paged with nextLink), each with api-version. Like Key Vault it answers a request
/// without a token with 401 and a Bearer challenge, serves only "Bearer <see cref="Token"/>", refuses to read a
/// disabled version (403) and answers 404 for an unknown secret. It listens on HTTPS (127.0.0.1, random port) with a
/// self-signed certificate made for the run, because Azure.Core refuses to send a bearer token over plain HTTP.
/// </summary>
public sealed class FakeKeyVaultServer : IAsyncLifetime
{
    public const string Token = "fake-key-vault-token";
    public const string Resource = "https://vault.azure.net";

    private readonly ConcurrentDictionary<string, List<Version>> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<VaultRequest> _requests = new();
    private readonly ConcurrentQueue<int> _faults = new();
    private readonly Lock _gate = new();
    private WebApplication? _app;
    private X509Certificate2? _certificate;
    private int _created;

    public Uri VaultUri { get; private set; } = null!;

    /// <summary>How many versions one page of a version listing holds (Key Vault's default is 25).</summary>
    public int PageSize { get; set; } = 2;

    public IReadOnlyList<VaultRequest> Requests => [.. _requests];

    /// <summary>The requests that carried a token (not the unauthenticated first round trip that gets the challenge).</summary>
    public IReadOnlyList<VaultRequest> AuthorizedRequests => [.. _requests.Where(r => r.Authorization is not null)];

    public async Task InitializeAsync()
    {
        _certificate = SelfSigned();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(_certificate)));
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        VaultUri = new Uri(_app.Urls.Single());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _certificate?.Dispose();
    }

    /// <summary>Empties the vault and the request log.</summary>
    public void Reset()
    {
        _secrets.Clear();
        _requests.Clear();
        _faults.Clear();
    }

    /// <summary>Adds a version of a secret (Key Vault's "set secret"); created times increase with each call.</summary>
    public string SetSecret(string name, string value, bool enabled = true)
    {
        lock (_gate)
        {
            var version = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var created = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000 + (Interlocked.Increment(ref _created) * 60));
            _secrets.GetOrAdd(name, _ => []).Add(new Version(version, value, enabled, created));
            return version;
        }
    }

    /// <summary>The next <paramref name="count"/> authorized requests are answered with <paramref name="status"/>.</summary>
    public void Fail(int status, int count = 1)
    {
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue(status);
        }
    }

    /// <summary>A client for this vault as the app builds one, with a token credential instead of a managed identity.</summary>
    public SecretClient Client(FakeTokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var thumbprint = _certificate!.Thumbprint;
#pragma warning disable CA2000 // The handler and client live as long as the SecretClient's transport.
        var handler = new HttpClientHandler
        {
            // Trust exactly this run's certificate, nothing else.
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == thumbprint,
        };
        var options = new SecretClientOptions
        {
            Transport = new HttpClientTransport(new HttpClient(handler)),
            DisableChallengeResourceVerification = true,
        };
#pragma warning restore CA2000
        options.Retry.MaxRetries = 0;
        return new SecretClient(VaultUri, credential, options);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var recorded = new VaultRequest(
            request.Method,
            request.Path.Value ?? string.Empty,
            request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null);
        _requests.Enqueue(recorded);

        var (status, body) = Answer(request, recorded);
        context.Response.StatusCode = status;
        if (status == 401)
        {
            context.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001\", resource=\"{Resource}\"";
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private (int Status, JsonObject Body) Answer(HttpRequest request, VaultRequest recorded)
    {
        if (recorded.Authorization is not { } authorization)
        {
            return (401, Error("Unauthorized", "AKV10000: Request is missing a Bearer or PoP token."));
        }

        if (authorization != "Bearer " + Token)
        {
            return (401, Error("Unauthorized", "AKV10032: Invalid issuer."));
        }

        if (string.IsNullOrEmpty(request.Query["api-version"]))
        {
            return (400, Error("BadParameter", "The 'api-version' query parameter is missing."));
        }

        if (_faults.TryDequeue(out var fault))
        {
            return (fault, Error("InternalServerError", "Injected failure."));
        }

        if (request.Method != "GET")
        {
            return (405, Error("BadParameter", $"{request.Method} is not supported by this fake."));
        }

        var segments = recorded.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        lock (_gate)
        {
            return segments switch
            {
                ["secrets", var name, "versions"] => Versions(name, request.Query["$skiptoken"]),
                ["secrets", var name] => Secret(name, null),
                ["secrets", var name, var version] => Secret(name, version),
                _ => (404, Error("NotFound", $"No route for {recorded.Path}.")),
            };
        }
    }

    private (int, JsonObject) Secret(string name, string? version)
    {
        if (!_secrets.TryGetValue(name, out var versions) || versions.Count == 0)
        {
            return (404, Error("SecretNotFound", $"A secret with (name/id) {name} was not found in this key vault."));
        }

        // The current value is the newest version, enabled or not.
        var found = version is null ? versions[^1] : versions.FirstOrDefault(v => v.Id == version);
        if (found is null)
        {
            return (404, Error("SecretNotFound", $"A secret with (name/id) {name}/{version} was not found in this key vault."));
        }

        if (!found.Enabled)
        {
            return (403, Error("Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled"));
        }

        var bundle = Item(name, found);
        bundle["value"] = found.Value;
        return (200, bundle);
    }

    private (int, JsonObject) Versions(string name, string? skipToken)
    {
        if (!_secrets.TryGetValue(name, out var versions))
        {
            return (404, Error("SecretNotFound", $"A secret with (name/id) {name} was not found in this key vault."));
        }

        var skip = skipToken is { Length: > 0 } ? int.Parse(skipToken, CultureInfo.InvariantCulture) : 0;
        var page = versions.Skip(skip).Take(PageSize).ToList();
        var next = skip + page.Count < versions.Count
            ? new Uri(VaultUri, $"secrets/{name}/versions?api-version=7.6&$skiptoken={skip + page.Count}&maxresults={PageSize}").ToString()
            : null;
        return (200, new JsonObject
        {
            ["value"] = new JsonArray([.. page.Select(v => (JsonNode)Item(name, v))]),
            ["nextLink"] = next,
        });
    }

    private JsonObject Item(string name, Version version) => new()
    {
        ["id"] = new Uri(VaultUri, $"secrets/{name}/{version.Id}").ToString(),
        ["attributes"] = new JsonObject
        {
            ["enabled"] = version.Enabled,
            ["created"] = version.Created.ToUnixTimeSeconds(),
            ["updated"] = version.Created.ToUnixTimeSeconds(),
            ["recoveryLevel"] = "Recoverable+Purgeable",
            ["recoverableDays"] = 90,
        },
        ["tags"] = new JsonObject(),
    };

    private static JsonObject Error(string code, string message, string? inner = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (inner is not null)
        {
            error["innererror"] = new JsonObject { ["code"] = inner };
        }

        return new JsonObject { ["error"] = error };
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // Kestrel needs the private key in a form it can load on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private sealed record Version(string Id, string Value, bool Enabled, DateTimeOffset Created);
}

/// <summary>A request as the fake vault received it.</summary>
public sealed record VaultRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, string? Authorization);

/// <summary>A token credential that hands out <see cref="FakeKeyVaultServer.Token"/> and records the scopes asked for.</summary>
public sealed class FakeTokenCredential : TokenCredential
{
    private readonly ConcurrentQueue<string> _scopes = new();

    public IReadOnlyList<string> Scopes => [.. _scopes];

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes)
        {
            _scopes.Enqueue(scope);
        }

        return new AccessToken(FakeKeyVaultServer.Token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Core;
using LiveShop.Core.Live;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiveShop.Azure.SignalR;

/// <summary>
/// Azure SignalR Service in serverless mode through its data-plane REST API (the SignalR worker extension is not
/// available): one REST call per broadcast, to a group or a user. REST calls carry the app's Entra ID token (scope
/// https://signalr.azure.com/.default; the service has local auth off), or, where an access key is configured for local
/// use, a JWT signed with it whose audience is the request URL. Client tokens and upstream signatures use the access key;
/// under Entra ID that key is the one the service issues to the app's identity (GET /api/auth/accessKey, renewed hourly).
/// </summary>
/// <param name="http">A client whose handler retries transient failures (see the app's wiring).</param>
/// <param name="credential">The app's identity; used when <see cref="SignalROptions.AccessKey"/> is empty.</param>
public sealed class SignalRService(HttpClient http, SignalROptions options, TokenCredential? credential, TimeProvider clock)
    : ILiveBroadcaster, ILiveAccess, IDisposable
{
    /// <summary>The service's error code of a 404 that means "no such connection" (and the like).</summary>
    public const string ErrorCodeHeader = "x-ms-error-code";

    /// <summary>How long an Entra-issued access key is used before it is fetched again (the SDK renews at 55 minutes).</summary>
    public static readonly TimeSpan IssuedKeyLifetime = TimeSpan.FromMinutes(55);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly JsonWebTokenHandler Tokens = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private AccessToken? _entraToken;
    private SigningKey? _issuedKey;

    public Task SendToGroupAsync(string group, string method, ILiveMessage message, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"groups/{Uri.EscapeDataString(group)}/:send", Payload(method, message), cancellationToken);

    public Task SendToUserAsync(string userId, string method, ILiveMessage message, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"users/{Uri.EscapeDataString(userId)}/:send", Payload(method, message), cancellationToken);

    public async Task<bool> AddToGroupAsync(string connectionId, string group, CancellationToken cancellationToken)
    {
        var path = $"groups/{Uri.EscapeDataString(group)}/connections/{Uri.EscapeDataString(connectionId)}";
        using var response = await CallAsync(HttpMethod.Put, path, null, cancellationToken);
        return response.StatusCode != HttpStatusCode.NotFound && Fail(response);
    }

    public async Task<bool> ConnectionExistsAsync(string connectionId, CancellationToken cancellationToken)
    {
        using var response = await CallAsync(HttpMethod.Head, $"connections/{Uri.EscapeDataString(connectionId)}", null, cancellationToken);
        return response.StatusCode != HttpStatusCode.NotFound && Fail(response);
    }

    public async Task<LiveClientAccess> ClientAccessAsync(string userId, IReadOnlyDictionary<string, string> claims, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var key = await SigningKeyAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var all = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            // The SDK's user id claim, and the NameIdentifier the docs name: the service reads either.
            ["asrs.s.uid"] = userId,
            [JwtRegisteredClaimNames.NameId] = userId,
        };
        foreach (var (type, value) in claims)
        {
            all[type] = value;
        }

        var token = Tokens.CreateToken(new SecurityTokenDescriptor
        {
            Audience = options.ClientUrl,
            Claims = all,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.ClientTokenLifetime,
            SigningCredentials = key.Credentials,
        });
        return new LiveClientAccess(options.ClientUrl, token);
    }

    public async Task<bool> IsSignedByServiceAsync(string connectionId, string? signature, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(connectionId))
        {
            return false;
        }

        var key = await SigningKeyAsync(cancellationToken);
        var expected = Encoding.ASCII.GetBytes("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key.Secret, Encoding.UTF8.GetBytes(connectionId))));

        // One value per key of the service (primary, secondary), comma-separated; hex compared without case, in constant time.
        return signature.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(value => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(value.ToLowerInvariant())));
    }

    /// <summary>The URL of a REST call: {endpoint}/api/hubs/{hub}/{path}?api-version=...</summary>
    public Uri Url(string path) =>
        new(options.BaseUri, $"api/hubs/{Uri.EscapeDataString(options.Hub)}/{path}?api-version={SignalROptions.ApiVersion}");

    private static JsonContent Payload(string method, ILiveMessage message) =>
        JsonContent.Create(new { target = method, arguments = new object[] { message } }, options: Json);

    private async Task SendAsync(HttpMethod method, string path, HttpContent content, CancellationToken ct)
    {
        using var response = await CallAsync(method, path, content, ct);
        Fail(response);
    }

    private async Task<HttpResponseMessage> CallAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        var url = Url(path);
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await RestTokenAsync(url, ct));
        return await http.SendAsync(request, ct);
    }

    /// <summary>True for a success; throws for anything else (the caller decides what a 404 means first).</summary>
    private static bool Fail(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        var code = response.Headers.TryGetValues(ErrorCodeHeader, out var values) ? string.Join(",", values) : "none";
        throw new HttpRequestException(
            $"SignalR Service answered {(int)response.StatusCode} to {response.RequestMessage?.Method} "
            + $"{response.RequestMessage?.RequestUri?.AbsolutePath} (error code {code}).",
            null,
            response.StatusCode);
    }

    /// <summary>The bearer token of a REST call: the app's Entra ID token, or a JWT of the access key whose audience is the URL.</summary>
    private async Task<string> RestTokenAsync(Uri url, CancellationToken ct)
    {
        if (options.AccessKey is not { Length: > 0 } accessKey)
        {
            return (await EntraTokenAsync(ct)).Token;
        }

        // The documented audience: the request URL without its query.
        var now = clock.GetUtcNow().UtcDateTime;
        return Tokens.CreateToken(new SecurityTokenDescriptor
        {
            Audience = url.GetLeftPart(UriPartial.Path),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + TimeSpan.FromMinutes(5),
            SigningCredentials = new SigningKey(null, accessKey).Credentials,
        });
    }

    private async Task<AccessToken> EntraTokenAsync(CancellationToken ct)
    {
        if (_entraToken is { } cached && cached.ExpiresOn - clock.GetUtcNow() > TimeSpan.FromMinutes(5))
        {
            return cached;
        }

        var credentialOrFail = credential ?? throw new InvalidOperationException("SignalR: no access key and no identity to sign in with.");
        var token = await credentialOrFail.GetTokenAsync(new TokenRequestContext([SignalROptions.Scope]), ct);
        _entraToken = token;
        return token;
    }

    /// <summary>The key that signs client tokens and the service's upstream calls: the configured one, or the one the service issues the app.</summary>
    private async Task<SigningKey> SigningKeyAsync(CancellationToken ct)
    {
        if (options.AccessKey is { Length: > 0 } accessKey)
        {
            return new SigningKey(null, accessKey);
        }

        if (Volatile.Read(ref _issuedKey) is { } issued && issued.FetchedAt + IssuedKeyLifetime > clock.GetUtcNow())
        {
            return issued;
        }

        await _refresh.WaitAsync(ct);
        try
        {
            if (_issuedKey is { } again && again.FetchedAt + IssuedKeyLifetime > clock.GetUtcNow())
            {
                return again;
            }

            var url = new Uri(options.BaseUri, $"api/auth/accessKey?api-version={SignalROptions.AuthApiVersion}");
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await EntraTokenAsync(ct)).Token);
            using var response = await http.SendAsync(request, ct);
            Fail(response);
            var body = await response.Content.ReadFromJsonAsync<IssuedKey>(Json, ct)
                ?? throw new InvalidOperationException("SignalR Service issued no access key.");
            var key = new SigningKey(body.KeyId, body.AccessKey) { FetchedAt = clock.GetUtcNow() };
            Volatile.Write(ref _issuedKey, key);
            return key;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose() => _refresh.Dispose();

    private sealed record IssuedKey(string KeyId, string AccessKey);

    /// <summary>An access key: HS256 over its UTF-8 bytes (not base64-decoded), with its key id when the service gave one.</summary>
    private sealed class SigningKey(string? keyId, string value)
    {
        public byte[] Secret { get; } = Encoding.UTF8.GetBytes(value);

        public DateTimeOffset FetchedAt { get; init; }

        public SigningCredentials Credentials => new(new SymmetricSecurityKey(Secret) { KeyId = keyId }, SecurityAlgorithms.HmacSha256);
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;
using LiveShop.Core.Carts;
using LiveShop.Core.Errors;
using LiveShop.Core.Identity;
using LiveShop.Core.Payments;
using LiveShop.Core.Storage;
using LiveShop.Functions.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace LiveShop.Functions.Http;

/// <summary>
/// What every HTTP function does around its one service call: authenticate, read the body within limits,
/// and turn every failure into a problem+json answer (never a bare 500 for bad input).
/// </summary>
public sealed class HttpEndpoint(IBearerAuthenticator authenticator, ILogger<HttpEndpoint> logger)
{
    /// <summary>Request bodies larger than this are refused with 413.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public async Task<IResult> RunAsync(HttpRequest request, Func<ApiRequest, CancellationToken, Task<IResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handler);
        var context = request.HttpContext;
        try
        {
            return await handler(new ApiRequest(request, authenticator), context.RequestAborted);
        }
        catch (LiveShopException error)
        {
            return Problems.From(error, context);
        }
        catch (StoreUnavailableException error)
        {
            logger.LogWarning(error, "Store unavailable for {Method} {Path}", request.Method, request.Path);
            var retryAfter = (int)Math.Ceiling((error.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds);
            context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Create(context, StatusCodes.Status503ServiceUnavailable, "Busy", "The store is busy; retry after the Retry-After interval.");
        }
        catch (PaymentUnavailableException error)
        {
            logger.LogWarning(error, "Payment provider unavailable for {Method} {Path}", request.Method, request.Path);
            context.Response.Headers.RetryAfter = "5";
            return Problems.Create(context, StatusCodes.Status503ServiceUnavailable, "Payment provider unavailable", "The payment provider could not be reached; retry the same request (same Idempotency-Key) after the Retry-After interval.");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
#pragma warning disable CA1031 // The one place unexpected failures become a 500 problem (logged, without internals).
        catch (Exception error)
#pragma warning restore CA1031
        {
            logger.LogError(error, "Unhandled failure for {Method} {Path}", request.Method, request.Path);
            return Problems.Create(context, StatusCodes.Status500InternalServerError, "Internal error", "The request failed unexpectedly; it has been logged with the traceId.");
        }
    }
}

/// <summary>The request as a function handler sees it.</summary>
public sealed partial class ApiRequest(HttpRequest request, IBearerAuthenticator authenticator)
{
    private byte[]? _body;

    public HttpRequest Http => request;

    /// <summary>
    /// The If-Match header as sent; null when absent. It is compared strongly (RFC 9110): a weak tag (W/"...") or a
    /// list never equals a stored ETag, so such a request fails its precondition rather than skipping it.
    /// </summary>
    public string? IfMatch => request.Headers.IfMatch.Count == 0 ? null : request.Headers.IfMatch.ToString().Trim();

    /// <summary>Whether If-None-Match names <paramref name="etag"/> (weak comparison, lists and * allowed, RFC 9110).</summary>
    public bool IfNoneMatch(string etag) =>
        request.Headers.IfNoneMatch.ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(tag => tag == "*" || (tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag) == etag);

    /// <summary>The authenticated caller; 401 when no valid bearer token was sent.</summary>
    public async Task<Caller> CallerAsync() =>
        await OptionalCallerAsync() ?? throw LiveShopException.Unauthenticated("This endpoint needs a bearer token (Authorization: Bearer <jwt>).");

    /// <summary>The caller when a token was sent (a bad token is still 401); null for anonymous requests.</summary>
    public Task<Caller?> OptionalCallerAsync() => authenticator.AuthenticateAsync(request.Headers.Authorization.ToString());

    /// <summary>The header a guest shopper sends its guest token in.</summary>
    public const string GuestTokenHeader = "X-Guest-Token";

    /// <summary>
    /// Whose cart this request is about: the signed-in viewer (bearer token) or the guest (X-Guest-Token); 401 with
    /// neither, 400 with both (a guest's cart joins the viewer's only through the merge endpoint).
    /// </summary>
    public async Task<CartOwner> ShopperAsync()
    {
        var caller = await OptionalCallerAsync();
        var guest = GuestOwner(required: false);
        if (caller is not null && guest is not null)
        {
            throw LiveShopException.BadRequest("Two identities", $"Send a bearer token or an {GuestTokenHeader}, not both; to move a guest cart into a viewer's cart, use the merge endpoint.");
        }

        return caller is not null
            ? CartOwner.For(caller)
            : guest ?? throw LiveShopException.Unauthenticated($"This endpoint needs a viewer's bearer token or a guest's {GuestTokenHeader} (POST /api/guests gives one).");
    }

    /// <summary>The guest named by X-Guest-Token; null when absent (401 when <paramref name="required"/>), 401 when not a guest token.</summary>
    public CartOwner? GuestOwner(bool required)
    {
        var token = request.Headers[GuestTokenHeader].ToString();
        if (token.Length == 0)
        {
            return required ? throw LiveShopException.Unauthenticated($"This endpoint needs the guest's {GuestTokenHeader} header.") : null;
        }

        return CartOwner.ForGuest(token);
    }

    /// <summary>Marks the answer as personal and never to be cached.</summary>
    public void NoStore() => request.HttpContext.Response.Headers.CacheControl = "no-store";

    /// <summary>Reads the JSON body: 415 if not JSON, 413 if over <see cref="HttpEndpoint.MaxBodyBytes"/>, 400 if malformed.</summary>
    public async Task<T> BodyAsync<T>(CancellationToken ct)
        where T : class
    {
        var bytes = await RawBodyAsync(ct);
        if (bytes.Length == 0)
        {
            throw LiveShopException.BadRequest("Missing body", "The request needs a JSON body.");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(bytes, ApiJson.Options)
                ?? throw LiveShopException.BadRequest("Missing body", "The JSON body is null; send an object.");
        }
        catch (JsonException error)
        {
            var where = error.Path is { Length: > 0 } path ? $" at {path}" : string.Empty;
            throw LiveShopException.BadRequest("Malformed JSON", $"The body is not valid for this endpoint{where}: {Describe(error)}");
        }
    }

    /// <summary>
    /// The JSON body of an endpoint where it is optional: null when the request has none, whatever its framing
    /// (Content-Length or chunked); otherwise as <see cref="BodyAsync{T}"/> (so a body that is not JSON is 415).
    /// </summary>
    public async Task<T?> OptionalBodyAsync<T>(CancellationToken ct)
        where T : class
    {
        if (string.IsNullOrEmpty(request.ContentType) && (await ReadLimitedAsync(ct)).Length == 0)
        {
            return null;
        }

        return await BodyAsync<T>(ct);
    }

    /// <summary>The JSON body's exact bytes (for signatures): 415 if not JSON, 413 if over <see cref="HttpEndpoint.MaxBodyBytes"/>.</summary>
    public async Task<byte[]> RawBodyAsync(CancellationToken ct)
    {
        if (!IsJson(request.ContentType))
        {
            throw new LiveShopException(ErrorKind.UnsupportedMediaType, "Unsupported media type", "Send the body as application/json (UTF-8).");
        }

        return await ReadLimitedAsync(ct);
    }

    /// <summary>
    /// Whether a Content-Type is JSON: exactly the media type application/json (any case), with parameters allowed;
    /// a charset, when given, must be UTF-8 (RFC 8259). application/jsonx or application/json-seq are not JSON.
    /// </summary>
    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var type)
        && type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && HeaderUtilities.RemoveQuotes(type.Charset) is var charset
        && (charset.Length == 0 || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The body's bytes (read once, then kept): 413 past <see cref="HttpEndpoint.MaxBodyBytes"/>, 400 when its framing is
    /// broken (a bad or huge chunk size, a body shorter than its Content-Length): the server's own error, never a 500.
    /// </summary>
    private async Task<byte[]> ReadLimitedAsync(CancellationToken ct)
    {
        if (_body is not null)
        {
            return _body;
        }

        if (request.ContentLength > HttpEndpoint.MaxBodyBytes)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > HttpEndpoint.MaxBodyBytes)
                {
                    throw TooLarge();
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge();
        }
        catch (Exception error) when (error is BadHttpRequestException
            || (error is IOException && !request.HttpContext.RequestAborted.IsCancellationRequested))
        {
            // Kestrel reports most broken framing as a bad request, and a chunk size past its range as an IOException.
            throw LiveShopException.BadRequest(
                "Malformed body", "The request body could not be read: its framing is invalid (a bad chunk size, or fewer bytes than the Content-Length).");
        }

        return _body = buffer.ToArray();
    }

    /// <summary>202 with the body and a Location (this collection URL plus the id) to follow; Retry-After while <paramref name="running"/>.</summary>
    public IResult Accepted<T>(string id, T body, bool running)
    {
        request.HttpContext.Response.Headers.Location = $"{request.PathBase}{request.Path.Value?.TrimEnd('/')}/{Uri.EscapeDataString(id)}";
        if (running)
        {
            request.HttpContext.Response.Headers.RetryAfter = "1";
        }

        return TypedResults.Json(body, ApiJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>A query string value parsed as an integer; 400 when present but not a number.</summary>
    public int? QueryInt(string name)
    {
        var value = request.Query[name].ToString();
        if (value.Length == 0)
        {
            return null;
        }

        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : throw LiveShopException.BadRequest("Invalid query", $"Query parameter '{name}' must be a whole number (it is '{value}').");
    }

    /// <summary>A query string value parsed as a boolean; 400 when present but not true/false.</summary>
    public bool QueryBool(string name)
    {
        var value = request.Query[name].ToString();
        return value.Length == 0 ? false : bool.TryParse(value, out var flag)
            ? flag
            : throw LiveShopException.BadRequest("Invalid query", $"Query parameter '{name}' must be true or false (it is '{value}').");
    }

    /// <summary>200 with the body and the ETag of the stored version.</summary>
    public IResult Ok<T>(T body, string etag)
    {
        request.HttpContext.Response.Headers.ETag = etag;
        return TypedResults.Json(body, ApiJson.Options);
    }

    /// <summary>201 with the body, the ETag of the stored version and a Location: this (collection) URL plus the new id.</summary>
    public IResult Created<T>(string id, T body, string etag)
    {
        request.HttpContext.Response.Headers.ETag = etag;
        request.HttpContext.Response.Headers.Location = $"{request.PathBase}{request.Path.Value?.TrimEnd('/')}/{Uri.EscapeDataString(id)}";
        return TypedResults.Json(body, ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static LiveShopException TooLarge() =>
        new(ErrorKind.PayloadTooLarge, "Payload too large", $"The body must be at most {HttpEndpoint.MaxBodyBytes} bytes.");

    /// <summary>Says what is wrong without the serializer's .NET type names.</summary>
    private static string Describe(JsonException error)
    {
        var message = error.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return "it has a property this endpoint does not know (check the spelling).";
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal) || error.InnerException is FormatException or InvalidOperationException or OverflowException)
        {
            return "the value has the wrong type or is out of range.";
        }

        if (message.StartsWith(ExplicitOffsetDateTimeOffsetConverter.Message, StringComparison.Ordinal))
        {
            return ExplicitOffsetDateTimeOffsetConverter.Message;
        }

        if (message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return "it is nested too deeply.";
        }

        if (DuplicateProperty().Match(message) is { Success: true } duplicate)
        {
            return $"it has the property '{duplicate.Groups[1].Value}' more than once.";
        }

        // The reader's own messages (bad tokens, trailing data) name no type; anything else might, so it is not echoed.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        var said = cut > 0 ? message[..cut] : message;
        return NamesAType().IsMatch(said) ? "it is not the JSON this endpoint expects." : said;
    }

    [GeneratedRegex("^Duplicate property '([^']{1,64})'", RegexOptions.CultureInvariant)]
    private static partial Regex DuplicateProperty();

    /// <summary>A .NET type or member as the serializer names it: a dotted name, or the words type/member/.NET.</summary>
    [GeneratedRegex(@"\b(type|member|\.NET)\b|[A-Za-z]+\.[A-Z][A-Za-z]+\.", RegexOptions.CultureInvariant)]
    private static partial Regex NamesAType();
}

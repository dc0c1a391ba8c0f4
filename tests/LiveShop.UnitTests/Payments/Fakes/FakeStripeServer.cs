using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using LiveShop.Payments;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Stripe;

namespace LiveShop.UnitTests.Payments.Fakes;

/// <summary>
/// A local stand-in for the part of Stripe's API the payment provider uses (PaymentIntents with manual capture, refunds),
/// on 127.0.0.1 with a random port. It checks requests as Stripe's API reference documents them (bearer key, form
/// encoding, known parameters only, states a PaymentIntent must be in) and answers as Stripe does: the PaymentIntent
/// object, or <c>{"error":{...}}</c> with Stripe's status codes. Idempotency follows Stripe's rules: the first response
/// of a request that began executing (200, or a 402 decline) is stored and replayed for the same key, the same key with
/// other parameters is a 400 idempotency_error, and a key still in flight is a 409. Faults can be queued: an HTTP status
/// before any work, or a dropped connection before or after the work (the response is lost but the work is done).
/// </summary>
public sealed class FakeStripeServer : IAsyncLifetime
{
    public const string ApiKey = "sk_test_x";

    /// <summary>Stripe's test PaymentMethods the fake knows, and what they do with a confirmation.</summary>
    public static class Cards
    {
        public const string Visa = "pm_card_visa";
        public const string AuthenticationRequired = "pm_card_authenticationRequired";
        public const string Declined = "pm_card_chargeDeclined";
        public const string InsufficientFunds = "pm_card_chargeDeclinedInsufficientFunds";
        public const string Expired = "pm_card_chargeDeclinedExpiredCard";
    }

    private static readonly HashSet<string> ZeroDecimal = ["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"];
    private static readonly HashSet<string> Currencies = [.. ZeroDecimal, "usd", "gbp", "eur", "sgd", "myr", "thb", "idr", "php"];

    private readonly ConcurrentDictionary<string, JsonObject> _intents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonObject> _refunds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoredResponse> _idempotent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Fault> _faults = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Lock _gate = new();
    private WebApplication? _app;
    private Hold? _hold;

    /// <summary>The API base to give Stripe.net (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>API keys accepted (Stripe answers 401 to any other).</summary>
    public ConcurrentDictionary<string, bool> ApiKeys { get; } = new(StringComparer.Ordinal) { [ApiKey] = true };

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public int PaymentIntentCount => _intents.Count;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        BaseUrl = _app.Urls.Single().TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Forgets queued faults, holds and recorded requests (PaymentIntents stay: every test uses its own keys).</summary>
    public void Reset()
    {
        _faults.Clear();
        _requests.Clear();
        _hold = null;
        ApiKeys.Clear();
        ApiKeys[ApiKey] = true;
    }

    /// <summary>A provider on this fake with Stripe.net's own HTTP client, retrying network failures <paramref name="maxNetworkRetries"/> times.</summary>
    public StripePaymentProvider Provider(int maxNetworkRetries = 0) => new(Client(maxNetworkRetries));

    public StripeClient Client(int maxNetworkRetries = 0, string apiKey = ApiKey, TimeSpan? timeout = null) => new(new StripeClientOptions
    {
        ApiKey = apiKey,
        ApiBase = BaseUrl,
#pragma warning disable CA2000 // The HttpClient lives as long as the Stripe client it is given to.
        HttpClient = new SystemNetHttpClient(new HttpClient { Timeout = timeout ?? SystemNetHttpClient.DefaultHttpTimeout }, maxNetworkRetries: maxNetworkRetries),
#pragma warning restore CA2000
    });

    /// <summary>The next <paramref name="count"/> requests meet <paramref name="fault"/>.</summary>
    public void Fail(Fault fault, int count = 1)
    {
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue(fault);
        }
    }

    /// <summary>The next POST to <paramref name="path"/> waits, with its idempotency key in flight, until the hold is released.</summary>
    public Hold HoldNext(string path) => _hold = new Hold(path);

    public JsonObject? Intent(string id) => _intents.TryGetValue(id, out var intent) ? (JsonObject)intent.DeepClone() : null;

    public IReadOnlyList<JsonObject> RefundsOf(string paymentIntentId) =>
        [.. _refunds.Values.Where(r => (string?)r["payment_intent"] == paymentIntentId).Select(r => (JsonObject)r.DeepClone())];

    /// <summary>The customer completes (or fails) 3-D Secure for a PaymentIntent that requires an action, as Stripe.js would.</summary>
    public void CompleteAction(string id, bool succeed)
    {
        lock (_gate)
        {
            var intent = _intents[id];
            if ((string?)intent["status"] != "requires_action")
            {
                throw new InvalidOperationException($"{id} does not require an action.");
            }

            intent["next_action"] = null;
            if (succeed)
            {
                intent["status"] = "requires_capture";
                intent["amount_capturable"] = (long)intent["amount"]!;
            }
            else
            {
                intent["status"] = "requires_payment_method";
                intent["last_payment_error"] = new JsonObject
                {
                    ["type"] = "invalid_request_error",
                    ["code"] = "payment_intent_authentication_failure",
                    ["message"] = "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
                };
            }
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var form = request.HasFormContentType ? (await request.ReadFormAsync()).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal) : [];
        var recorded = new RecordedRequest(
            request.Method,
            request.Path.Value ?? string.Empty,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            request.ContentType,
            form);
        _requests.Enqueue(recorded);

        if (_faults.TryDequeue(out var fault) && fault.Kind != FaultKind.DropAfterWork)
        {
            if (fault.Kind == FaultKind.DropBeforeWork)
            {
                context.Abort();
                return;
            }

            await WriteAsync(context, Error(fault.Status, fault.Status == 429 ? "invalid_request_error" : "api_error", fault.Status == 429 ? "rate_limit" : null, "Injected failure."));
            return;
        }

        var response = await AnswerAsync(recorded);
        if (fault?.Kind == FaultKind.DropAfterWork)
        {
            context.Abort();
            return;
        }

        await WriteAsync(context, response);
    }

    private async Task<StoredResponse> AnswerAsync(RecordedRequest request)
    {
        var authorization = request.Header("Authorization");
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !ApiKeys.ContainsKey(authorization["Bearer ".Length..]))
        {
            return Error(401, "invalid_request_error", null, $"Invalid API Key provided: {authorization}");
        }

        if (request.Header("Stripe-Version") is null)
        {
            return Error(400, "invalid_request_error", null, "Stripe.net always sends Stripe-Version; this request did not.");
        }

        if (request.Method == "GET")
        {
            return Route(request);
        }

        if (request.Method != "POST")
        {
            return Error(404, "invalid_request_error", null, $"Unrecognized request URL ({request.Method}: {request.Path}).");
        }

        if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) != true)
        {
            return Error(400, "invalid_request_error", null, $"POST bodies are form-encoded (Content-Type {request.ContentType}).");
        }

        // Stripe does not require the header, but every call the provider makes must carry one.
        if (request.Header("Idempotency-Key") is not { Length: > 0 and <= 255 } key)
        {
            return Error(400, "invalid_request_error", null, "This fake expects an Idempotency-Key (1 to 255 characters) on every POST.");
        }

        var fingerprint = request.Path + "?" + string.Join('&', request.Form.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
        if (_idempotent.TryGetValue(key, out var stored))
        {
            return stored.Fingerprint == fingerprint
                ? stored with { Replayed = true }
                : Error(400, "idempotency_error", null, $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request.");
        }

        if (!_inFlight.TryAdd(key, fingerprint))
        {
            return Error(409, "idempotency_error", "idempotency_key_in_use", "There is currently another in-progress request using this Stripe-Idempotency-Key. Please try again later.");
        }

        try
        {
            if (_hold is { } hold && hold.Path == request.Path)
            {
                _hold = null;
                hold.Arrived.TrySetResult();
                await hold.Released.Task;
            }

            var response = Route(request);

            // Stripe stores the result of a request that began executing (success or a card error), not a refused one.
            if (response.Status is 200 or 402)
            {
                _idempotent[key] = response with { Fingerprint = fingerprint };
            }

            return response;
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
        }
    }

    private StoredResponse Route(RecordedRequest request)
    {
        var segments = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        lock (_gate)
        {
            return (request.Method, segments) switch
            {
                ("POST", ["v1", "payment_intents"]) => CreateIntent(request.Form),
                ("GET", ["v1", "payment_intents", var id]) => _intents.TryGetValue(id, out var intent) ? Ok(intent) : Missing("payment_intent", id),
                ("POST", ["v1", "payment_intents", var id, "capture"]) => Capture(id, request.Form),
                ("POST", ["v1", "payment_intents", var id, "cancel"]) => Cancel(id, request.Form),
                ("POST", ["v1", "refunds"]) => CreateRefund(request.Form),
                _ => Error(404, "invalid_request_error", null, $"Unrecognized request URL ({request.Method}: {request.Path})."),
            };
        }
    }

    private StoredResponse CreateIntent(IReadOnlyDictionary<string, string> form)
    {
        if (Unknown(form, "amount", "currency", "capture_method", "confirm", "payment_method", "return_url", "description",
                "automatic_payment_methods[enabled]", "automatic_payment_methods[allow_redirects]") is { } unknown)
        {
            return unknown;
        }

        if (!form.TryGetValue("amount", out var amountText) || !long.TryParse(amountText, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount < 1)
        {
            return Invalid("amount", "parameter_invalid_integer", "Invalid integer: amount must be a positive integer in the currency's smallest unit.");
        }

        if (!form.TryGetValue("currency", out var currency) || !Currencies.Contains(currency))
        {
            return Invalid("currency", "parameter_invalid_empty", $"Invalid currency: {currency}. Stripe currencies are three-letter ISO codes in lowercase.");
        }

        if (!ZeroDecimal.Contains(currency) && amount < 50)
        {
            return Invalid("amount", "amount_too_small", "Amount must be at least 50 cents.");
        }

        var captureMethod = form.GetValueOrDefault("capture_method", "automatic_async");
        if (captureMethod is not ("automatic" or "automatic_async" or "manual"))
        {
            return Invalid("capture_method", "parameter_invalid_string", $"Invalid capture_method: {captureMethod}.");
        }

        if (form.GetValueOrDefault("confirm") is { } confirmText && confirmText is not ("true" or "false"))
        {
            return Invalid("confirm", "parameter_invalid_boolean", "Invalid boolean: confirm.");
        }

        var confirm = form.GetValueOrDefault("confirm") == "true";
        var allowRedirects = form.GetValueOrDefault("automatic_payment_methods[allow_redirects]", "always");
        if (allowRedirects is not ("always" or "never"))
        {
            return Invalid("automatic_payment_methods[allow_redirects]", "parameter_invalid_string", $"Invalid allow_redirects: {allowRedirects}.");
        }

        var returnUrl = form.GetValueOrDefault("return_url");
        if (confirm && form.GetValueOrDefault("automatic_payment_methods[enabled]") == "true" && allowRedirects != "never" && returnUrl is null)
        {
            return Invalid("return_url", null, "This PaymentIntent is configured to accept payment methods enabled in your Dashboard, some of which require a return_url. Pass a return_url, or set automatic_payment_methods[allow_redirects] to 'never'.");
        }

        var paymentMethod = form.GetValueOrDefault("payment_method");
        if (paymentMethod is not null && paymentMethod is not (Cards.Visa or Cards.AuthenticationRequired or Cards.Declined or Cards.InsufficientFunds or Cards.Expired))
        {
            return Error(400, "invalid_request_error", "resource_missing", $"No such PaymentMethod: '{paymentMethod}'", "payment_method");
        }

        var metadata = new JsonObject();
        foreach (var (name, value) in form.Where(p => p.Key.StartsWith("metadata[", StringComparison.Ordinal)))
        {
            metadata[name["metadata[".Length..^1]] = value;
        }

        var id = NewId("pi");
        var intent = new JsonObject
        {
            ["id"] = id,
            ["object"] = "payment_intent",
            ["amount"] = amount,
            ["amount_capturable"] = 0,
            ["amount_received"] = 0,
            ["currency"] = currency,
            ["capture_method"] = captureMethod,
            ["confirmation_method"] = "automatic",
            ["client_secret"] = id + "_secret_" + NewId("s"),
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["livemode"] = false,
            ["metadata"] = metadata,
            ["payment_method"] = paymentMethod,
            ["status"] = paymentMethod is null ? "requires_payment_method" : "requires_confirmation",
            ["next_action"] = null,
            ["last_payment_error"] = null,
            ["canceled_at"] = null,
            ["cancellation_reason"] = null,
        };
        _intents[id] = intent;
        if (!confirm)
        {
            return Ok(intent);
        }

        if (paymentMethod is null)
        {
            return Invalid("payment_method", "payment_intent_unexpected_state", "You cannot confirm this PaymentIntent because it's missing a payment method.");
        }

        switch (paymentMethod)
        {
            case Cards.Visa:
                intent["status"] = captureMethod == "manual" ? "requires_capture" : "succeeded";
                intent[captureMethod == "manual" ? "amount_capturable" : "amount_received"] = amount;
                return Ok(intent);
            case Cards.AuthenticationRequired:
                intent["status"] = "requires_action";
                intent["next_action"] = returnUrl is null
                    ? new JsonObject { ["type"] = "use_stripe_sdk", ["use_stripe_sdk"] = new JsonObject { ["type"] = "three_d_secure_redirect", ["stripe_js"] = $"https://hooks.stripe.com/3d_secure_2/hosted?payment_intent={id}" } }
                    : new JsonObject { ["type"] = "redirect_to_url", ["redirect_to_url"] = new JsonObject { ["url"] = $"https://hooks.stripe.com/3d_secure_2/hosted?payment_intent={id}", ["return_url"] = returnUrl } };
                return Ok(intent);
            default:
                var (code, declineCode, message) = paymentMethod switch
                {
                    Cards.InsufficientFunds => ("card_declined", "insufficient_funds", "Your card has insufficient funds."),
                    Cards.Expired => ("expired_card", "expired_card", "Your card has expired."),
                    _ => ("card_declined", "generic_decline", "Your card was declined."),
                };
                intent["status"] = "requires_payment_method";
                intent["last_payment_error"] = new JsonObject { ["type"] = "card_error", ["code"] = code, ["decline_code"] = declineCode, ["message"] = message };
                var error = CardError(code, declineCode, message);
                error["payment_intent"] = intent.DeepClone();
                return Json(402, new JsonObject { ["error"] = error });
        }
    }

    private StoredResponse Capture(string id, IReadOnlyDictionary<string, string> form)
    {
        if (Unknown(form, "amount_to_capture") is { } unknown)
        {
            return unknown;
        }

        if (!_intents.TryGetValue(id, out var intent))
        {
            return Missing("payment_intent", id);
        }

        if ((string?)intent["status"] != "requires_capture")
        {
            return UnexpectedState(intent, "captured", "requires_capture");
        }

        var capturable = (long)intent["amount_capturable"]!;
        var amount = capturable;
        if (form.TryGetValue("amount_to_capture", out var text) && (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out amount) || amount < 1 || amount > capturable))
        {
            return Invalid("amount_to_capture", "amount_too_large", $"The amount_to_capture ({text}) must be a positive integer no greater than the amount capturable ({capturable}).");
        }

        intent["status"] = "succeeded";
        intent["amount_received"] = amount;
        intent["amount_capturable"] = 0;
        intent["latest_charge"] = NewId("ch");
        return Ok(intent);
    }

    private StoredResponse Cancel(string id, IReadOnlyDictionary<string, string> form)
    {
        if (Unknown(form, "cancellation_reason") is { } unknown)
        {
            return unknown;
        }

        if (form.GetValueOrDefault("cancellation_reason") is { } reason && reason is not ("duplicate" or "fraudulent" or "requested_by_customer" or "abandoned"))
        {
            return Invalid("cancellation_reason", "parameter_invalid_string", $"Invalid cancellation_reason: {reason}.");
        }

        if (!_intents.TryGetValue(id, out var intent))
        {
            return Missing("payment_intent", id);
        }

        if ((string?)intent["status"] is not ("requires_payment_method" or "requires_capture" or "requires_confirmation" or "requires_action" or "processing"))
        {
            return UnexpectedState(intent, "canceled", "requires_payment_method, requires_capture, requires_confirmation, requires_action, processing");
        }

        intent["status"] = "canceled";
        intent["amount_capturable"] = 0;
        intent["next_action"] = null;
        intent["canceled_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        intent["cancellation_reason"] = form.GetValueOrDefault("cancellation_reason");
        return Ok(intent);
    }

    private StoredResponse CreateRefund(IReadOnlyDictionary<string, string> form)
    {
        if (Unknown(form, "payment_intent", "amount", "reason") is { } unknown)
        {
            return unknown;
        }

        if (form.GetValueOrDefault("payment_intent") is not { } id || !_intents.TryGetValue(id, out var intent))
        {
            return Missing("payment_intent", form.GetValueOrDefault("payment_intent") ?? string.Empty);
        }

        if ((string?)intent["status"] != "succeeded")
        {
            return Invalid("payment_intent", null, $"This PaymentIntent ({id}) does not have a successful charge to refund.");
        }

        var refunded = _refunds.Values.Where(r => (string?)r["payment_intent"] == id).Sum(r => (long)r["amount"]!);
        var remaining = (long)intent["amount_received"]! - refunded;
        if (remaining == 0)
        {
            return Invalid(null, "charge_already_refunded", $"Charge {intent["latest_charge"]} has already been refunded.");
        }

        var amount = remaining;
        if (form.TryGetValue("amount", out var text) && (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out amount) || amount < 1 || amount > remaining))
        {
            return Invalid("amount", "amount_too_large", $"Refund amount ({text}) is greater than unrefunded amount on charge ({remaining}).");
        }

        var refund = new JsonObject
        {
            ["id"] = NewId("re"),
            ["object"] = "refund",
            ["amount"] = amount,
            ["currency"] = (string?)intent["currency"],
            ["payment_intent"] = id,
            ["charge"] = (string?)intent["latest_charge"],
            ["status"] = "succeeded",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
        _refunds[(string)refund["id"]!] = refund;
        return Ok(refund);
    }

    private static StoredResponse? Unknown(IReadOnlyDictionary<string, string> form, params string[] known)
    {
        var unknown = form.Keys.FirstOrDefault(k => !known.Contains(k) && !k.StartsWith("metadata[", StringComparison.Ordinal) && k != "expand[0]");
        return unknown is null ? null : Invalid(unknown, "parameter_unknown", $"Received unknown parameter: {unknown}");
    }

    private static StoredResponse UnexpectedState(JsonObject intent, string verb, string allowed) =>
        Invalid(null, "payment_intent_unexpected_state",
            $"This PaymentIntent could not be {verb} because it has a status of {intent["status"]}. Only a PaymentIntent with one of the following statuses may be {verb}: {allowed}.",
            intent);

    private static StoredResponse Missing(string what, string id) =>
        Error(404, "invalid_request_error", "resource_missing", $"No such {what}: '{id}'", "id");

    private static StoredResponse Invalid(string? param, string? code, string message, JsonObject? intent = null)
    {
        var response = Error(400, "invalid_request_error", code, message, param);
        if (intent is not null)
        {
            var body = JsonNode.Parse(response.Body)!.AsObject();
            body["error"]!["payment_intent"] = intent.DeepClone();
            return response with { Body = body.ToJsonString() };
        }

        return response;
    }

    private static JsonObject CardError(string code, string declineCode, string message) => new()
    {
        ["type"] = "card_error",
        ["code"] = code,
        ["decline_code"] = declineCode,
        ["message"] = message,
        ["doc_url"] = $"https://stripe.com/docs/error-codes/{code.Replace('_', '-')}",
    };

    private static StoredResponse Error(int status, string type, string? code, string message, string? param = null)
    {
        var error = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null)
        {
            error["code"] = code;
        }

        if (param is not null)
        {
            error["param"] = param;
        }

        return Json(status, new JsonObject { ["error"] = error });
    }

    private static StoredResponse Ok(JsonObject body) => Json(200, body);

    private static StoredResponse Json(int status, JsonObject body) => new(status, body.ToJsonString());

    private static string NewId(string prefix) =>
        prefix + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private static async Task WriteAsync(HttpContext context, StoredResponse response)
    {
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["Request-Id"] = NewId("req");
        if (response.Replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }

        await context.Response.WriteAsync(response.Body);
    }

    private sealed record StoredResponse(int Status, string Body, string Fingerprint = "", bool Replayed = false);

    public enum FaultKind
    {
        Status,
        DropBeforeWork,
        DropAfterWork,
    }

    public sealed record Fault(FaultKind Kind, int Status = 0)
    {
        public static Fault Answer(int status) => new(FaultKind.Status, status);

        public static readonly Fault DropBeforeWork = new(FaultKind.DropBeforeWork);

        /// <summary>The work is done and its response stored for the key, but the connection closes before the answer.</summary>
        public static readonly Fault DropAfterWork = new(FaultKind.DropAfterWork);
    }

    public sealed class Hold(string path)
    {
        public string Path { get; } = path;

        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>A request as the fake received it; <see cref="Form"/> holds the decoded form fields of a POST.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string? ContentType, IReadOnlyDictionary<string, string> Form)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

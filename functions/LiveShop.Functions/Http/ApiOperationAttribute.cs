namespace LiveShop.Functions.Http;

/// <summary>Who may call an HTTP function, as the OpenAPI document's security requirement says it.</summary>
public enum ApiAccess
{
    Anonymous,

    /// <summary>Anyone; a bearer token, when sent, must be valid and names the caller.</summary>
    OptionalBearer,
    Bearer,

    /// <summary>A viewer's bearer token or a guest's X-Guest-Token (one of them).</summary>
    Shopper,

    /// <summary>Both a viewer's bearer token and the guest's X-Guest-Token (merging a guest cart).</summary>
    BearerAndGuest,
    StripeSignature,
    SignalRSignature,

    /// <summary>Event Grid's webhook delivery: the delivery key in the endpoint's query (?key=).</summary>
    EventGridKey,
}

/// <summary>How a function reads If-Match.</summary>
public enum IfMatchUse
{
    None,
    Optional,
    Required,
}

/// <summary>
/// An HTTP function's contract for the OpenAPI document: what it does, who may call it, the JSON it reads and answers,
/// the headers and query parameters it reads, and the problems it can answer besides those the rest implies (a body:
/// 400, 413, 415; a token: 401, 403; a path parameter: 404; If-Match: 412, 428 when required; always 503). Every HTTP
/// function carries one: a test fails on a function without it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ApiOperationAttribute(string summary) : Attribute
{
    public string Summary { get; } = summary;

    public string? Description { get; set; }

    public ApiAccess Access { get; set; }

    /// <summary>The JSON body's type (read with <see cref="ApiJson.Options"/>); null when the function reads none.</summary>
    public Type? Request { get; set; }

    public bool RequestOptional { get; set; }

    /// <summary>The success answer's JSON type; null for no body.</summary>
    public Type? Response { get; set; }

    public int Status { get; set; } = 200;

    /// <summary>Problem statuses beyond the implied ones (e.g. 409, 422).</summary>
    public int[] Problems { get; set; } = [];

    public IfMatchUse IfMatch { get; set; }

    /// <summary>Whether the Idempotency-Key header is required.</summary>
    public bool IdempotencyKey { get; set; }

    /// <summary>Query parameters read, each "name:type" with type string, integer or boolean.</summary>
    public string[] Query { get; set; } = [];

    /// <summary>Whether the function answers 304 to an If-None-Match naming its ETag.</summary>
    public bool IfNoneMatch { get; set; }

    /// <summary>Whether the success answer carries an ETag header.</summary>
    public bool ETag { get; set; }
}

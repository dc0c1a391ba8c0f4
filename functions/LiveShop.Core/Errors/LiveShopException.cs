namespace LiveShop.Core.Errors;

/// <summary>
/// A failure the caller can act on. The kind decides the HTTP status (mapped in one place in the function app);
/// the message is the problem's detail and must say precisely what is wrong.
/// </summary>
public class LiveShopException : Exception
{
    public LiveShopException(ErrorKind kind, string title, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(detail)
    {
        Kind = kind;
        Title = title;
        Errors = errors;
    }

    public LiveShopException()
        : this(ErrorKind.Conflict, "Error", "An error occurred.")
    {
    }

    public LiveShopException(string message)
        : this(ErrorKind.Conflict, "Error", message)
    {
    }

    public LiveShopException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = ErrorKind.Conflict;
        Title = "Error";
    }

    public ErrorKind Kind { get; }

    /// <summary>A short, stable summary of the problem type.</summary>
    public string Title { get; }

    /// <summary>Field errors (for validation problems), keyed by JSON path.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; }

    public static LiveShopException NotFound(string what, string id) =>
        new(ErrorKind.NotFound, "Not found", $"{what} '{id}' does not exist.");

    public static LiveShopException Forbidden(string detail) => new(ErrorKind.Forbidden, "Forbidden", detail);

    public static LiveShopException Unauthenticated(string detail) =>
        new(ErrorKind.Unauthenticated, "Unauthenticated", detail);

    public static LiveShopException Conflict(string title, string detail) => new(ErrorKind.Conflict, title, detail);

    public static LiveShopException Unprocessable(string title, string detail) =>
        new(ErrorKind.Unprocessable, title, detail);

    public static LiveShopException PreconditionFailed(string detail) =>
        new(ErrorKind.PreconditionFailed, "Precondition failed", detail);

    public static LiveShopException PreconditionRequired(string detail) =>
        new(ErrorKind.PreconditionRequired, "Precondition required", detail);

    public static LiveShopException BadRequest(string title, string detail) => new(ErrorKind.BadRequest, title, detail);

    /// <summary>A well-formed request that cannot be done, because of one field (422 with that field's error): <paramref name="title"/> says what cannot be done.</summary>
    public static LiveShopException UnprocessableField(string title, string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] }, ErrorKind.Unprocessable, title);

    public static LiveShopException Validation(
        IReadOnlyDictionary<string, string[]> errors, ErrorKind kind = ErrorKind.Validation, string title = "Validation failed") =>
        new(
            kind,
            title,
            "The request has invalid fields: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
            errors);
}

public enum ErrorKind
{
    BadRequest,
    Validation,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    PreconditionFailed,
    PayloadTooLarge,
    UnsupportedMediaType,
    Unprocessable,
    PreconditionRequired,
    Unavailable,
}

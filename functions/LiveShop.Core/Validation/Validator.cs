using LiveShop.Core.Errors;
using LiveShop.Core.Markets;

namespace LiveShop.Core.Validation;

/// <summary>Collects field errors (keyed by JSON path) and throws one validation problem with all of them.</summary>
public sealed class Validator
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            list = [];
            _errors[field] = list;
        }

        list.Add(message);
    }

    /// <summary>Checks a required string's presence and length (after trimming); returns the trimmed value.</summary>
    public string Text(string field, string? value, int minLength, int maxLength)
    {
        var trimmed = value?.Trim();
        if (trimmed is null)
        {
            Add(field, "is required.");
            return string.Empty;
        }

        if (trimmed.Length < minLength || trimmed.Length > maxLength)
        {
            Add(field, minLength == maxLength
                ? $"must be {minLength} characters long."
                : $"must be {minLength} to {maxLength} characters long (it is {trimmed.Length}).");
        }
        else if (TextRules.Problem(trimmed, multiline: false) is { } problem)
        {
            Add(field, problem);
        }

        return trimmed;
    }

    /// <summary>
    /// Checks an optional string's length and characters (the same rule as <see cref="Text"/>; a
    /// <paramref name="multiline"/> text may also have line breaks and tabs); returns the trimmed value or an empty string.
    /// </summary>
    public string OptionalText(string field, string? value, int maxLength, bool multiline = false)
    {
        var trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters long (it is {trimmed.Length}).");
        }
        else if (TextRules.Problem(trimmed, multiline) is { } problem)
        {
            Add(field, problem);
        }

        return trimmed;
    }

    /// <summary>Checks an identifier: 1 to 64 letters, digits, '-', '_' or '.'.</summary>
    public string Identifier(string field, string? value)
    {
        if (value is null)
        {
            Add(field, "is required.");
            return string.Empty;
        }

        return OptionalIdentifier(field, value)!;
    }

    /// <summary>Checks an identifier that may be absent (null is fine); returns it.</summary>
    public string? OptionalIdentifier(string field, string? value)
    {
        if (value is not null && !Identifiers.IsValid(value))
        {
            Add(field, Identifiers.Rule);
        }

        return value;
    }

    /// <summary>Checks a required market code against the registry; returns the market, or null when it is missing or unknown.</summary>
    public Market? Market(string field, string? code)
    {
        if (code is null)
        {
            Add(field, "is required.");
            return null;
        }

        if (!MarketRegistry.TryGet(code, out var market))
        {
            Add(field, $"'{code}' is not a market; use one of {string.Join(", ", MarketRegistry.Codes)}.");
            return null;
        }

        return market;
    }

    /// <summary>Checks an absolute https URL of at most 2048 characters.</summary>
    public string HttpsUrl(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required.");
            return string.Empty;
        }

        if (value.Length > 2048)
        {
            Add(field, "must be at most 2048 characters long.");
        }
        else if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || string.IsNullOrEmpty(uri.Host))
        {
            Add(field, "must be an absolute https URL.");
        }

        return value;
    }

    public void Range(string field, long? value, long min, long max)
    {
        if (value is null)
        {
            Add(field, "is required.");
        }
        else if (value < min || value > max)
        {
            Add(field, $"must be between {min} and {max} (it is {value}).");
        }
    }

    /// <summary>Checks a required list's size (pass <c>list ?? []</c> for an optional one).</summary>
    public void Count<T>(string field, IReadOnlyCollection<T>? items, int min, int max)
    {
        if (items is null)
        {
            Add(field, "is required.");
        }
        else if (items.Count < min || items.Count > max)
        {
            Add(field, $"must have {min} to {max} items (it has {items.Count}).");
        }
    }

    /// <summary>Throws a 400 validation problem listing every error, if there is any.</summary>
    public void ThrowIfInvalid() => ThrowIfInvalid(ErrorKind.Validation, "Validation failed");

    /// <summary>Throws a problem of the given kind listing every error, if there is any (e.g. 422 for a well-formed but unacceptable request).</summary>
    public void ThrowIfInvalid(ErrorKind kind, string title)
    {
        if (!IsValid)
        {
            throw LiveShopException.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal), kind, title);
        }
    }
}

/// <summary>The characters every text field may hold, whether required or optional.</summary>
public static class TextRules
{
    /// <summary>
    /// What is wrong with the text's characters, or null: no control characters (NUL, ESC of an ANSI escape, ...; line
    /// breaks and tabs only in a multi-line text), no unpaired surrogates, no bidirectional overrides or isolates
    /// (they make text display other than it reads).
    /// </summary>
    public static string? Problem(string text, bool multiline)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
            {
                return multiline
                    ? "must not contain control characters other than line breaks and tabs."
                    : "must not contain control characters.";
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "must be valid Unicode text (it has an unpaired surrogate).";
            }
            else if (c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
            {
                return "must not contain bidirectional override or isolate characters.";
            }
        }

        return null;
    }
}

/// <summary>The shape every id in a route or body must have (also safe as a Cosmos id and as a path segment).</summary>
public static class Identifiers
{
    /// <summary>What an invalid identifier is told.</summary>
    public const string Rule =
        "must be 1 to 64 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit, without '..'.";

    public static bool IsValid(string? value) =>
        value is { Length: > 0 and <= 64 }
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
        && char.IsAsciiLetterOrDigit(value[0])
        && char.IsAsciiLetterOrDigit(value[^1])
        && !value.Contains("..", StringComparison.Ordinal);

    /// <summary>A route id that cannot exist answers 404 without touching storage.</summary>
    public static void EnsureRouteId(string what, string value)
    {
        if (!IsValid(value))
        {
            throw LiveShopException.NotFound(what, value);
        }
    }
}

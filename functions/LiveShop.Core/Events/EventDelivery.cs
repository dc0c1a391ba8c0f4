using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LiveShop.Core.Errors;

namespace LiveShop.Core.Events;

/// <summary>A CloudEvent delivered to the app by Event Grid.</summary>
public sealed record ReceivedEvent(string Id, string Type, string Source, string? Subject, DateTimeOffset? Time, JsonElement Data)
{
    public string? Extension(string name) => Extensions.TryGetValue(name, out var value) ? value : null;

    public IReadOnlyDictionary<string, string> Extensions { get; init; } = new Dictionary<string, string>();
}

/// <summary>Does the work an event type stands for. Idempotent: Event Grid delivers at least once and in any order.</summary>
public interface IEventConsumer
{
    IReadOnlyCollection<string> Types { get; }

    /// <summary>
    /// Throws <see cref="LiveShopException"/> (BadRequest) for an event it can never process (Event Grid then stops
    /// retrying), anything else for a transient failure (retried).
    /// </summary>
    Task HandleAsync(ReceivedEvent received, CancellationToken cancellationToken);
}

/// <summary>The answer to a delivery: the Event Grid schema's validation code, or how many events were handled.</summary>
public sealed record DeliveryResult(string? ValidationCode, int Handled);

/// <summary>
/// The app's Event Grid endpoint: authenticated by a secret delivery key in its URL (compared in constant time; a
/// delivery without it is refused before anything is read), answers the Event Grid schema's SubscriptionValidation,
/// and hands each CloudEvent of a batch to its consumer. A batch with a malformed event or one of a type nobody
/// handles is 400 (never processable: Event Grid does not retry it); a consumer's transient failure propagates (5xx,
/// retried), and as consumers are idempotent a retried batch redoes nothing twice.
/// </summary>
public sealed class EventDelivery(IEnumerable<IEventConsumer> consumers, DeliveryKeys keys)
{
    private readonly Dictionary<string, IEventConsumer> _byType = consumers.SelectMany(c => c.Types.Select(t => (t, c))).ToDictionary(p => p.t, p => p.c, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Types => _byType.Keys;

    public void Authenticate(string? key)
    {
        if (!keys.Matches(key))
        {
            throw LiveShopException.Unauthenticated("The delivery key in the URL is missing or wrong.");
        }
    }

    /// <param name="eventGridEventType">The aeg-event-type header (SubscriptionValidation, Notification), if any.</param>
    public async Task<DeliveryResult> DeliverAsync(string? key, string? eventGridEventType, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        Authenticate(key);
        if (string.Equals(eventGridEventType, "SubscriptionValidation", StringComparison.OrdinalIgnoreCase))
        {
            return new DeliveryResult(ValidationCode(body), 0);
        }

        var events = CloudEventJson.ParseBatch(body);
        var unknown = events.FirstOrDefault(e => !_byType.ContainsKey(e.Type));
        foreach (var e in events.Where(e => _byType.ContainsKey(e.Type)))
        {
            await _byType[e.Type].HandleAsync(e, ct);
        }

        return unknown is null
            ? new DeliveryResult(null, events.Count)
            : throw LiveShopException.BadRequest("Unknown event type", $"Event '{unknown.Id}' has type '{unknown.Type}', which this endpoint does not handle.");
    }

    private static string ValidationCode(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var first = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.EnumerateArray().FirstOrDefault() : document.RootElement;
            return first.ValueKind == JsonValueKind.Object
                && first.TryGetProperty("eventType", out var type) && type.GetString() == "Microsoft.EventGrid.SubscriptionValidationEvent"
                && first.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("validationCode", out var code) && code.GetString() is { Length: > 0 } value
                ? value
                : throw LiveShopException.BadRequest("Malformed validation event", "A SubscriptionValidation delivery carries a Microsoft.EventGrid.SubscriptionValidationEvent with data.validationCode.");
        }
        catch (JsonException e)
        {
            throw LiveShopException.BadRequest("Malformed JSON", e.Message);
        }
    }
}

/// <summary>The secret keys a delivery URL may carry (the current one and, during a rotation, the previous one).</summary>
public sealed class DeliveryKeys(IReadOnlyList<string> keys)
{
    private readonly IReadOnlyList<byte[]> _hashes = keys.Where(k => k.Length > 0).Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k))).ToList();

    public static DeliveryKeys Parse(string? setting) => new((setting ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public bool Matches(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        // Hashes have one length, so the comparison takes the same time whatever the key's length and content.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var match = false;
        foreach (var known in _hashes)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, known);
        }

        return match;
    }
}

/// <summary>Reads CloudEvents 1.0 in JSON (structured mode): one event or a batch (an array).</summary>
public static class CloudEventJson
{
    public static IReadOnlyList<ReceivedEvent> ParseBatch(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var items = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : [root];
            return items.Count == 0
                ? throw LiveShopException.BadRequest("Empty batch", "The batch holds no event.")
                : items.Select((e, i) => Parse(e, i)).ToList();
        }
        catch (JsonException e)
        {
            throw LiveShopException.BadRequest("Malformed JSON", e.Message);
        }
    }

    private static ReceivedEvent Parse(JsonElement e, int index)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw LiveShopException.BadRequest("Malformed CloudEvent", $"Event [{index}] is not a JSON object.");
        }

        string Required(string name) =>
            e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
                ? text
                : throw LiveShopException.BadRequest("Malformed CloudEvent", $"Event [{index}] has no '{name}' (a non-empty string).");

        if (Required("specversion") != "1.0")
        {
            throw LiveShopException.BadRequest("Unsupported CloudEvents version", $"Event [{index}] is not CloudEvents 1.0.");
        }

        DateTimeOffset? time = null;
        if (e.TryGetProperty("time", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            time = t.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(t.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var parsed)
                ? parsed
                : throw LiveShopException.BadRequest("Malformed CloudEvent", $"Event [{index}] has a 'time' that is not an RFC 3339 time.");
        }

        var data = e.TryGetProperty("data", out var d) ? d.Clone() : default;
        var subject = e.TryGetProperty("subject", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        var extensions = e.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.String && !KnownAttributes.Contains(p.Name))
            .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        return new ReceivedEvent(Required("id"), Required("type"), Required("source"), subject, time, data) { Extensions = extensions };
    }

    private static readonly HashSet<string> KnownAttributes =
        ["specversion", "id", "type", "source", "subject", "time", "data", "data_base64", "datacontenttype", "dataschema"];
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveShop.Functions.Http;

/// <summary>
/// Reads ISO 8601 date-times only with an explicit offset ("Z" or "+07:00"): a time without one would be taken
/// in the server's zone, which differs between a laptop and Azure.
/// </summary>
public sealed class ExplicitOffsetDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    /// <summary>What a client is told when a date-time has no offset (passed through to the problem detail).</summary>
    public const string Message = "Expected an ISO 8601 date-time with an offset, e.g. 2030-01-01T18:00:00Z.";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException(Message);
        var hasOffset = text.EndsWith('Z') || text.EndsWith('z')
            || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        if (!hasOffset || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            throw new JsonException(Message);
        }

        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveShop.Functions.Http;

/// <summary>The JSON contract of the API: camelCase, enums as strings, unknown properties refused.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false), new ExplicitOffsetDateTimeOffsetConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = 16,
        AllowDuplicateProperties = false,
    };
}

using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using LiveShop.Core.Carts;
using LiveShop.Core.Money;
using LiveShop.Core.Sales;
using LiveShop.Functions.Http;

namespace LiveShop.LocalRunner.OpenApi;

/// <summary>
/// JSON schemas of the API's types as <see cref="ApiJson.Options"/> reads and writes them, each of the app's own types
/// once under components/schemas and referred to from everywhere else.
/// </summary>
internal sealed class ApiSchemas
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(ApiJson.Options)
    {
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    /// <summary>
    /// Bounds the services enforce on request fields, from their constants, so clients (and the host console's form) read
    /// them from the document; "x-secondsAhead" bounds a date-time relative to the time of the request.
    /// </summary>
    private static readonly Dictionary<(Type Type, string Property), (string Keyword, long Min, long Max)> Bounds = new()
    {
        [(typeof(FlashSaleInput), "allotment")] = ("", 1, FlashSaleService.MaxAllotment),
        [(typeof(FlashSaleInput), "perCustomerLimit")] = ("", 1, Cart.MaxQuantityPerLine),
        [(typeof(FlashSaleInput), "durationSeconds")] = ("", FlashSaleService.MinDurationSeconds, FlashSaleService.MaxDurationSeconds),
        [(typeof(FlashSaleInput), "startsAt")] =
            ("x-secondsAhead", (long)FlashSaleService.MinCountdown.TotalSeconds, (long)FlashSaleService.MaxCountdown.TotalSeconds),
    };

    private readonly Dictionary<Type, string> names = [];

    public JsonObject Components { get; } = new()
    {
        ["Problem"] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "RFC 9457 problem details.",
            ["properties"] = new JsonObject
            {
                ["type"] = new JsonObject { ["type"] = "string" },
                ["title"] = new JsonObject { ["type"] = "string" },
                ["status"] = new JsonObject { ["type"] = "integer" },
                ["detail"] = new JsonObject { ["type"] = "string", ["description"] = "What is wrong, precisely." },
                ["instance"] = new JsonObject { ["type"] = "string" },
                ["traceId"] = new JsonObject { ["type"] = "string" },
                ["errors"] = new JsonObject
                {
                    ["type"] = "object",
                    ["description"] = "Validation errors by JSON path.",
                    ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
                },
            },
            ["required"] = new JsonArray("type", "title", "status", "detail"),
        },
    };

    /// <summary>A reference to the type's component schema (added on first use).</summary>
    public JsonObject Reference(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!names.TryGetValue(type, out var name))
        {
            name = UniqueName(type);
            names[type] = name;
            Components[name] = null;
            Components[name] = Generate(type);
        }

        return new JsonObject { ["$ref"] = "#/components/schemas/" + name };
    }

    private JsonNode Generate(Type type) => Json.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
    {
        TreatNullObliviousAsNonNullable = true,
        TransformSchemaNode = (context, node) =>
        {
            var current = context.TypeInfo.Type;
            var nullable = node is JsonObject { } o && o["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "null");
            if (Nullable.GetUnderlyingType(current) is { } underlying)
            {
                current = underlying;
                nullable = true;
            }

            // Any JSON (an object-typed property): the exporter's boolean schema `true`, written as the equivalent `{}`
            // (OpenAPI readers expect schema objects).
            JsonNode? replacement = node is JsonValue { } any && any.GetValueKind() == System.Text.Json.JsonValueKind.True
                ? new JsonObject()
                : current == typeof(DateTimeOffset) || current == typeof(DateTime)
                ? new JsonObject { ["type"] = "string", ["format"] = "date-time", ["description"] = "With an explicit offset." }
                : current == typeof(Currency)
                    ? new JsonObject { ["type"] = "string", ["pattern"] = "^[A-Z]{3}$", ["description"] = "ISO 4217 code." }
                    : context.Path.Length > 0 && IsComponent(current)
                        ? Reference(current)
                        : null;
            if (context.PropertyInfo is { } property
                && Bounds.TryGetValue((property.DeclaringType, property.Name), out var bounds))
            {
                var bounded = replacement?.DeepClone() ?? node;
                var target = bounds.Keyword.Length == 0 ? (JsonObject)bounded : new JsonObject();
                target["minimum"] = bounds.Min;
                target["maximum"] = bounds.Max;
                if (bounds.Keyword.Length > 0)
                {
                    ((JsonObject)bounded)[bounds.Keyword] = target;
                }

                replacement = bounded;
                nullable = false;
            }

            if (replacement is null)
            {
                return node;
            }

            return nullable ? new JsonObject { ["anyOf"] = new JsonArray(replacement, new JsonObject { ["type"] = "null" }) } : replacement;
        },
    });

    private static bool IsComponent(Type type) =>
        !type.IsEnum && !type.IsPrimitive && type != typeof(string) && (type.Namespace?.StartsWith("LiveShop.", StringComparison.Ordinal) ?? false);

    private string UniqueName(Type type)
    {
        var name = type.IsGenericType
            ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + string.Concat(type.GetGenericArguments().Select(a => a.Name))
            : type.Name;
        return names.ContainsValue(name) ? type.Namespace!.Split('.').Last() + name : name;
    }
}

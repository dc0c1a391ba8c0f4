using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LiveShop.Functions.Http;

namespace LiveShop.LocalRunner.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document of the app, built from its HTTP functions: route and methods from [HttpTrigger], the rest
/// from each function's [ApiOperation] (request and answer types, access, headers, problems); JSON schemas from the
/// types as <see cref="ApiJson.Options"/> writes them. The real-time contract is its "Live" tag and "x-signalr".
/// </summary>
public static partial class ApiDocument
{
    public const string Path = "/openapi/v1.json";
    public const string ReferencePath = "/scalar";

    private static readonly Dictionary<int, string> ProblemTexts = new()
    {
        [400] = "Malformed or invalid request (problem+json; `errors` by JSON path for validation)",
        [401] = "No valid credentials",
        [403] = "Not this caller's resource or role",
        [404] = "Unknown id",
        [409] = "Conflicts with the resource's state",
        [412] = "If-Match is stale",
        [413] = "Body over 64 KiB",
        [415] = "Body is not application/json",
        [422] = "Valid, but not acceptable",
        [428] = "If-Match is required",
        [503] = "Store busy or provider unavailable; retry after Retry-After",
    };

    /// <summary>The functions without an [ApiOperation] (the document cannot describe them).</summary>
    public static IReadOnlyList<string> Undescribed(IEnumerable<HttpFunction> functions) =>
        functions.Where(f => f.Method.GetCustomAttribute<ApiOperationAttribute>() is null).Select(f => f.Name).ToList();

    public static JsonObject Build(IReadOnlyList<HttpFunction> functions, string routePrefix)
    {
        ArgumentNullException.ThrowIfNull(functions);
        var undescribed = Undescribed(functions);
        if (undescribed.Count > 0)
        {
            throw new InvalidOperationException($"HTTP functions without [ApiOperation]: {string.Join(", ", undescribed)}.");
        }

        var schemas = new ApiSchemas();
        var paths = new JsonObject();
        foreach (var function in functions.OrderBy(f => f.Route, StringComparer.Ordinal))
        {
            var path = "/" + (string.IsNullOrEmpty(routePrefix) ? function.Route : $"{routePrefix}/{function.Route}");
            var item = paths[path] as JsonObject ?? new JsonObject();
            paths[path] = item;
            foreach (var method in function.Methods)
            {
                item[method.ToLowerInvariant()] = Operation(function, schemas);
            }
        }

        var signalR = RealTime(schemas, routePrefix);
        var components = new JsonObject
        {
            ["schemas"] = schemas.Components,
            ["securitySchemes"] = SecuritySchemes(),
        };
        return new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "LiveShop Serverless API",
                ["version"] = "1.0.0",
                ["description"] = "Live shopping: catalog, streams and pins, flash sales, carts, checkout and orders. "
                    + "Errors are RFC 9457 problem+json. Money is integer minor units with a currency. "
                    + "Real-time updates: see the Live tag and `x-signalr`.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" }),
            ["tags"] = Tags(functions),
            ["paths"] = paths,
            ["components"] = components,
            ["x-signalr"] = signalR,
        };
    }

    private static JsonObject Operation(HttpFunction function, ApiSchemas schemas)
    {
        var api = function.Method.GetCustomAttribute<ApiOperationAttribute>()!;
        var parameters = new JsonArray();
        foreach (Match match in RouteParameter().Matches(function.Route))
        {
            parameters.Add(Parameter(match.Groups[1].Value, "path", "string", required: true));
        }

        foreach (var query in api.Query)
        {
            var (name, type) = (query.Split(':')[0], query.Split(':').ElementAtOrDefault(1) ?? "string");
            parameters.Add(Parameter(name, "query", type, required: false));
        }

        if (api.IfMatch != IfMatchUse.None)
        {
            parameters.Add(Parameter("If-Match", "header", "string", api.IfMatch == IfMatchUse.Required,
                "The ETag (or a stream's version) read before; compared strongly."));
        }

        if (api.IfNoneMatch)
        {
            parameters.Add(Parameter("If-None-Match", "header", "string", required: false, "The ETag read before: 304 when unchanged."));
        }

        if (api.IdempotencyKey)
        {
            parameters.Add(Parameter("Idempotency-Key", "header", "string", required: true,
                "A key the client chooses per intent; a retry with the same key and body gives the same result."));
        }

        var operation = new JsonObject
        {
            ["operationId"] = function.Name,
            ["summary"] = api.Summary,
            ["tags"] = new JsonArray(Tag(function)),
        };
        if (api.Description is not null)
        {
            operation["description"] = api.Description;
        }

        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        if (api.Request is not null)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = !api.RequestOptional,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemas.Reference(api.Request) } },
            };
        }

        operation["security"] = Security(api.Access);
        operation["responses"] = Responses(function, api, schemas);
        return operation;
    }

    private static JsonObject Responses(HttpFunction function, ApiOperationAttribute api, ApiSchemas schemas)
    {
        var success = new JsonObject { ["description"] = api.Summary };
        var headers = new JsonObject();
        if (api.ETag)
        {
            headers["ETag"] = Header("The version, for If-Match");
        }

        if (api.Status is 201 or 202)
        {
            headers["Location"] = Header("The new resource (202: the status URL)");
        }

        if (headers.Count > 0)
        {
            success["headers"] = headers;
        }

        if (api.Response is not null)
        {
            success["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemas.Reference(api.Response) } };
        }

        var responses = new JsonObject { [api.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = success };
        if (api.IfNoneMatch)
        {
            responses["304"] = new JsonObject { ["description"] = "Not modified (If-None-Match named the ETag)" };
        }

        foreach (var status in ProblemStatuses(function, api))
        {
            responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["description"] = ProblemTexts[status],
                ["content"] = new JsonObject
                {
                    ["application/problem+json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Problem" } },
                },
            };
        }

        return responses;
    }

    /// <summary>The problem statuses a function can answer: those its inputs imply, and those it names.</summary>
    public static IReadOnlyList<int> ProblemStatuses(HttpFunction function, ApiOperationAttribute api)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(api);
        var statuses = new SortedSet<int>(api.Problems) { 503 };
        if (api.Request is not null || api.Access is ApiAccess.StripeSignature)
        {
            statuses.UnionWith([400, 413, 415]);
        }

        if (api.Query.Length > 0)
        {
            statuses.Add(400);
        }

        if (api.Access is not ApiAccess.Anonymous)
        {
            statuses.Add(401);
        }

        if (api.Access is ApiAccess.Bearer or ApiAccess.BearerAndGuest)
        {
            statuses.Add(403);
        }

        if (RouteParameter().IsMatch(function.Route))
        {
            statuses.Add(404);
        }

        if (api.IfMatch != IfMatchUse.None)
        {
            statuses.Add(412);
        }

        if (api.IfMatch == IfMatchUse.Required)
        {
            statuses.Add(428);
        }

        return [.. statuses];
    }

    private static JsonObject Header(string description) =>
        new() { ["description"] = description, ["schema"] = new JsonObject { ["type"] = "string" } };

    private static JsonObject Parameter(string name, string where, string type, bool required, string? description = null)
    {
        var parameter = new JsonObject
        {
            ["name"] = name,
            ["in"] = where,
            ["required"] = required,
            ["schema"] = new JsonObject { ["type"] = type },
        };
        if (description is not null)
        {
            parameter["description"] = description;
        }

        return parameter;
    }

    private static string Tag(HttpFunction function) => function.Class.Name.Replace("Functions", string.Empty, StringComparison.Ordinal);

    private static JsonArray Tags(IEnumerable<HttpFunction> functions)
    {
        var tags = new JsonArray();
        foreach (var name in functions.Select(Tag).Distinct().Order(StringComparer.Ordinal))
        {
            var tag = new JsonObject { ["name"] = name };
            if (name == "Live")
            {
                tag["description"] = LiveDescription();
            }

            tags.Add(tag);
        }

        return tags;
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex RouteParameter();
}

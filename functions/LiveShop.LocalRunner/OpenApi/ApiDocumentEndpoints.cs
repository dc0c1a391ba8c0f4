using Scalar.AspNetCore;

namespace LiveShop.LocalRunner.OpenApi;

/// <summary>Serves the OpenAPI document and its browsable reference (Scalar, from the package: nothing fetched from outside).</summary>
public static class ApiDocumentEndpoints
{
    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void MapApiDocument(this WebApplication app, IReadOnlyList<HttpFunction> functions, string routePrefix)
    {
        ArgumentNullException.ThrowIfNull(app);
        var json = new Lazy<string>(() => ApiDocument.Build(functions, routePrefix).ToJsonString(Indented));
        app.MapGet(ApiDocument.Path, () => Results.Text(json.Value, "application/json; charset=utf-8"));
        app.MapScalarApiReference(ApiDocument.ReferencePath, options => options
            .WithTitle("LiveShop Serverless API")
            .WithOpenApiRoutePattern(ApiDocument.Path)
            .DisableDefaultFonts()
            .DisableTelemetry());
    }
}

using System.Net;
using System.Text.Json.Nodes;
using LiveShop.Core.Carts;
using LiveShop.Core.Live;
using LiveShop.Core.Sales;
using LiveShop.Functions.Http;
using LiveShop.LocalRunner;
using LiveShop.LocalRunner.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.OpenApi;

namespace LiveShop.EndToEndTests;

/// <summary>The OpenAPI document the runner serves: built from the functions, complete, and valid OpenAPI 3.1.</summary>
[Collection(RunnerCollection.Name)]
public sealed class OpenApiDocumentTests(RunnerFixture runner)
{
    [Fact]
    public void Functions_EveryHttpFunction_HasItsApiOperation()
    {
        var functions = FunctionEndpoints.Discover(typeof(Routes).Assembly);

        Assert.NotEmpty(functions);
        Assert.Empty(ApiDocument.Undescribed(functions));
    }

    [Fact]
    public void Build_FunctionWithoutApiOperation_FailsNamingIt()
    {
        var method = typeof(OpenApiDocumentTests).GetMethod(nameof(Undescribed))!;
        var functions = new[] { new HttpFunction(nameof(Undescribed), typeof(OpenApiDocumentTests), method, "undescribed", ["GET"]) };

        Assert.Equal([nameof(Undescribed)], ApiDocument.Undescribed(functions));
        var error = Assert.Throws<InvalidOperationException>(() => ApiDocument.Build(functions, HostJson.Prefix));
        Assert.Contains(nameof(Undescribed), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_ServedByRunner_IsValidOpenApi31()
    {
        var text = await runner.Client.GetStringAsync(ApiDocument.Path);

        var read = OpenApiDocument.Parse(text, "json");

        Assert.NotNull(read.Document);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, read.Diagnostic!.SpecificationVersion);
        Assert.Empty(read.Diagnostic.Errors);
        Assert.Empty(read.Diagnostic.Warnings);
        Assert.Empty(read.Document.Validate(ValidationRuleSet.GetDefaultRuleSet())!);
    }

    [Fact]
    public async Task Document_ServedByRunner_DescribesEveryFunctionItsProblemsAndSchemes()
    {
        var document = JsonNode.Parse(await runner.Client.GetStringAsync(ApiDocument.Path))!;
        var paths = document["paths"]!.AsObject();

        foreach (var function in FunctionsMetadata.HttpFunctions())
        {
            foreach (var method in function.Methods)
            {
                var operation = paths[$"/{HostJson.Prefix}/{function.Route}"]?[method.ToLowerInvariant()];
                Assert.True(operation is not null, $"{method} /{function.Route} ({function.Name}) is not in the document.");
                Assert.Equal(function.Name, operation["operationId"]!.GetValue<string>());
                Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()));
                Assert.Equal("#/components/schemas/Problem", operation["responses"]!["503"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
            }
        }

        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("bearer", schemes["bearer"]!["scheme"]!.GetValue<string>());
        Assert.Equal(ApiRequest.GuestTokenHeader, schemes["guestToken"]!["name"]!.GetValue<string>());
        var checkout = paths["/api/checkouts"]!["post"]!;
        Assert.Contains(checkout["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Idempotency-Key" && p["required"]!.GetValue<bool>());
        var replace = paths["/api/merchants/{merchantId}/products/{productId}"]!["put"]!;
        Assert.Contains(replace["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "If-Match" && p["required"]!.GetValue<bool>());
        Assert.NotNull(replace["responses"]!["428"]);
        Assert.NotNull(replace["responses"]!["412"]);
    }

    [Fact]
    public async Task Document_RealTimeContract_NamesEveryClientMethodWithItsPayload()
    {
        var document = JsonNode.Parse(await runner.Client.GetStringAsync(ApiDocument.Path))!;
        var signalR = document["x-signalr"]!;
        var methods = signalR["clientMethods"]!.AsObject();

        Assert.Equal(LiveMethods.All.Order(), methods.Select(m => m.Key).Order());
        Assert.Equal($"/{HostJson.Prefix}/{Routes.StreamNegotiate}", signalR["negotiate"]!.GetValue<string>());
        var pinned = methods[LiveMethods.Pinned]!["payload"]!["$ref"]!.GetValue<string>().Split('/').Last();
        var properties = document["components"]!["schemas"]![pinned]!["properties"]!.AsObject();
        Assert.Contains("sequence", properties.Select(p => p.Key));
        Assert.Contains("price", properties.Select(p => p.Key));
    }

    [Fact]
    public async Task Document_FlashSaleInput_CarriesTheServiceBounds()
    {
        var document = JsonNode.Parse(await runner.Client.GetStringAsync(ApiDocument.Path))!;
        var fields = document["components"]!["schemas"]!["FlashSaleInput"]!["properties"]!;

        Assert.Equal(FlashSaleService.MinDurationSeconds, fields["durationSeconds"]!["minimum"]!.GetValue<long>());
        Assert.Equal(FlashSaleService.MaxDurationSeconds, fields["durationSeconds"]!["maximum"]!.GetValue<long>());
        Assert.Equal(Cart.MaxQuantityPerLine, fields["perCustomerLimit"]!["maximum"]!.GetValue<long>());
        Assert.Equal(FlashSaleService.MinCountdown.TotalSeconds, fields["startsAt"]!["x-secondsAhead"]!["minimum"]!.GetValue<long>());
        Assert.Equal(FlashSaleService.MaxCountdown.TotalSeconds, fields["startsAt"]!["x-secondsAhead"]!["maximum"]!.GetValue<long>());
    }

    [Fact]
    public async Task Reference_ServedByRunner_FromLocalAssets()
    {
        var page = await runner.Client.GetStringAsync(ApiDocument.ReferencePath + "/");
        using var script = await runner.Client.GetAsync(ApiDocument.ReferencePath + "/scalar.js");

        Assert.Contains("openapi/v1.json", page, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    /// <summary>An HTTP function as a developer might add it, without its [ApiOperation].</summary>
    [Function(nameof(Undescribed))]
    public static IResult Undescribed([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "undescribed")] HttpRequest request) =>
        TypedResults.Ok();
}

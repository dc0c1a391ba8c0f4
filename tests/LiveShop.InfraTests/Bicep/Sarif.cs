using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LiveShop.InfraTests.Bicep;

/// <summary>
/// Reads Bicep's SARIF output (one document per compiled file, concatenated when the CLI compiles several).
/// Every result counts, whatever its level: warnings (compiler BCP warnings included) do not change the
/// CLI's exit code, so the tests must read them.
/// </summary>
internal static class Sarif
{
    public static IReadOnlyList<JsonNode> Documents(string sarif)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(sarif), new JsonReaderOptions { AllowMultipleValues = true });
        var documents = new List<JsonNode>();
        while (reader.Read())
        {
            documents.Add(JsonNode.Parse(ref reader) ?? throw new InvalidOperationException($"Not SARIF: {sarif}"));
        }

        return documents;
    }

    public static IReadOnlyList<string> Diagnostics(string sarif) =>
    [
        .. Documents(sarif)
            .SelectMany(document => document["runs"]!.AsArray())
            .SelectMany(run => run!["results"]!.AsArray())
            .Select(result =>
            {
                var location = result!["locations"]?[0]?["physicalLocation"];
                var file = Path.GetFileName(location?["artifactLocation"]?["uri"]?.GetValue<string>() ?? "?");
                var line = location?["region"]?["startLine"]?.GetValue<int>();
                var level = result["level"]?.GetValue<string>() ?? "warning";
                return $"{level} {result["ruleId"]} {file}:{line}: {result["message"]?["text"]}";
            }),
    ];
}

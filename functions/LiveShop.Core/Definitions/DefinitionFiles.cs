using System.Reflection;
using System.Text.Json;

namespace LiveShop.Core.Definitions;

/// <summary>Loads the JSON definition files embedded in this assembly (the same files infra/ reads).</summary>
internal static class DefinitionFiles
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static T Load<T>(string fileName)
    {
        var resource = $"LiveShop.Definitions.{fileName}";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded definition '{resource}' is missing.");
        return JsonSerializer.Deserialize<T>(stream, Options)
            ?? throw new InvalidOperationException($"Embedded definition '{resource}' is empty.");
    }
}

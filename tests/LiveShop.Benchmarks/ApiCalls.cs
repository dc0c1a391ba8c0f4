using System.Net.Http.Json;
using System.Text.Json;
using LiveShop.Functions.Http;

namespace LiveShop.Benchmarks;

/// <summary>Calls to the runner's HTTP API for setting a scenario up: any answer but 2xx stops the benchmark.</summary>
public static class ApiCalls
{
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, HttpMethod method, string path, object? body, string? ifMatch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ApiJson.Options);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync(ct);
            response.Dispose();
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {problem}");
        }

        return response;
    }

    /// <summary>
    /// The ETag header exactly as sent. The local Cosmos server's ETags are bare UUIDs (Cosmos DB's are quoted), which
    /// HttpClient does not parse as entity tags, and the app compares If-Match with the stored ETag as it is.
    /// </summary>
    public static string? ETagOf(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.TryGetValues("ETag", out var values) ? values.FirstOrDefault() : null;
    }

    /// <summary>The "id" of the resource a response created.</summary>
    public static async Task<string> IdAsync(HttpResponseMessage response, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(response);
        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(ct));
        return body.RootElement.GetProperty("id").GetString() ?? throw new InvalidOperationException("The created resource has no id.");
    }
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using LiveShop.Core.Catalog;
using LiveShop.Core.Streams;
using LiveShop.Functions.Http;

namespace LiveShop.Benchmarks;

/// <summary>The viewers' hot read as the benchmark serves it: the path, the exact response bytes and their content type.</summary>
public sealed record HotRead(string Path, byte[] Body, string ContentType);

/// <summary>
/// Creates, through the runner's real HTTP API, a merchant's products and a live stream whose showcase holds them,
/// then reads the stream once as a viewer would.
/// </summary>
public static class HotReadScenario
{
    public const string MerchantId = "bench-merchant";
    public const int ShowcaseSize = 20;

    public static async Task<HotRead> CreateAsync(HttpClient http, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await MerchantTokenAsync(http, ct));

        var productIds = new List<string>();
        for (var i = 1; i <= ShowcaseSize; i++)
        {
            using var created = await ApiCalls.SendAsync(http, HttpMethod.Post, $"/api/{Routes.Format(Routes.MerchantProducts, MerchantId)}", Product(i), null, ct);
            productIds.Add(await ApiCalls.IdAsync(created, ct));
        }

        var stream = new StreamInput("us", "Bench live: twenty-product showcase", DateTimeOffset.UtcNow.AddMinutes(1), "https://video.example.com/live/bench.m3u8");
        using var createdStream = await ApiCalls.SendAsync(http, HttpMethod.Post, $"/api/{Routes.Streams}", stream, null, ct);
        var streamId = await ApiCalls.IdAsync(createdStream, ct);
        using var showcase = await ApiCalls.SendAsync(
            http, HttpMethod.Put, $"/api/{Routes.Format(Routes.StreamShowcase, streamId)}", new ShowcaseInput(productIds), ApiCalls.ETagOf(createdStream), ct);
        using var started = await ApiCalls.SendAsync(
            http, HttpMethod.Post, $"/api/{Routes.Format(Routes.StreamStart, streamId)}", null, ApiCalls.ETagOf(showcase), ct);
        http.DefaultRequestHeaders.Authorization = null;

        var path = $"/api/{Routes.Format(Routes.Stream, streamId)}";
        using var read = await ApiCalls.SendAsync(http, HttpMethod.Get, path, null, null, ct);
        var body = await read.Content.ReadAsByteArrayAsync(ct);
        using var view = JsonDocument.Parse(body);
        var status = view.RootElement.GetProperty("status").GetString();
        var count = view.RootElement.GetProperty("showcase").GetArrayLength();
        if (status != "live" || count != ShowcaseSize)
        {
            throw new InvalidOperationException($"Expected a live stream with {ShowcaseSize} showcase products; got status {status} with {count}.");
        }

        var contentType = read.Content.Headers.ContentType?.ToString() ?? throw new InvalidOperationException("The stream read has no Content-Type.");
        return new HotRead(path, body, contentType);
    }

    /// <summary>A realistic catalog item: three colour SKUs, two images, a paragraph of description.</summary>
    private static ProductInput Product(int n)
    {
        string[] colours = ["Black", "Ivory", "Sage"];
        return new ProductInput(
            "us",
            $"Bench product {n}: relaxed linen overshirt",
            "Garment-washed linen with a soft hand, chest pockets and horn-effect buttons. Cut for layering; true to size. "
                + "Machine wash cold, line dry.",
            [$"https://images.example.com/bench/{n}/front.jpg", $"https://images.example.com/bench/{n}/back.jpg"],
            colours.Select((colour, c) => new SkuInput(
                string.Create(CultureInfo.InvariantCulture, $"bench-{n}-{colour.ToLowerInvariant()}"),
                new Dictionary<string, string> { ["colour"] = colour, ["size"] = "M" },
                new MoneyInput(4900 + (n * 100) + (c * 50), "USD"),
                20 + n + c)).ToList());
    }

    private static async Task<string> MerchantTokenAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await ApiCalls.SendAsync(http, HttpMethod.Post, "/dev/token", new { role = "merchant", merchantId = MerchantId }, null, ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(ct));
        return body.RootElement.GetProperty("token").GetString() ?? throw new InvalidOperationException("POST /dev/token returned no token.");
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LiveShop.Core.Carts;
using LiveShop.Core.Streams;
using LiveShop.Functions.Http;

namespace LiveShop.EndToEndTests;

/// <summary>
/// Malformed, mistyped, oversized and random input to every endpoint, from the right caller: never a 5xx,
/// always a problem+json 4xx, and nothing written.
/// </summary>
[Collection(RunnerCollection.Name)]
public sealed class FuzzTests(RunnerFixture runner)
{
    /// <summary>The cart market of the cart targets.</summary>
    private const string CartMarket = "uk";

    /// <summary>Functions that take no input at all (no body, no route values, no query): nothing to break.</summary>
    private static readonly string[] WithoutInput = ["CreateGuest"];

    private sealed record Target(HttpMethod Method, string Route, object? ValidBody, string? IfMatch, string? Token, string? GuestToken = null);

    [Fact]
    public async Task EveryEndpoint_MalformedInput_Answers4xxProblemAndWritesNothing()
    {
        var targets = await TargetsAsync();
        Assert.Equal(FunctionsMetadata.HttpFunctions().Select(f => f.Name).Order(), targets.Keys.Order());

        var random = new Random(20261125);
        var sent = 0;
        foreach (var (name, target) in targets)
        {
            var sentToTarget = 0;
            foreach (var (body, contentType) in Payloads(target.ValidBody, random))
            {
                await SendAndCheckAsync(name, target, target.Route, body, contentType);
                sentToTarget++;
            }

            foreach (var route in MangledRoutes(target.Route, random))
            {
                await SendAndCheckAsync(name, target, route, target.ValidBody is null ? null : JsonSerializer.Serialize(target.ValidBody, ApiJson.Options), "application/json");
                sentToTarget++;
            }

            Assert.True(sentToTarget > 0 || WithoutInput.Contains(name), $"Nothing malformed was sent to {name}.");
            sent += sentToTarget;
        }

        Assert.True(sent > 500, $"Only {sent} requests were sent.");
    }

    [Theory]
    [InlineData("pageSize=abc")]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=100000")]
    [InlineData("pageSize=-1")]
    [InlineData("continuationToken=not-a-token")]
    [InlineData("continuationToken=%00%01")]
    [InlineData("includeArchived=maybe")]
    public async Task ListProducts_BadQuery_Answers400Problem(string query)
    {
        using var response = await runner.Client.GetAsync(RunnerFixture.Url(Routes.Format(Routes.MerchantProducts, "m-any")) + "?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("UK")]
    [InlineData("gb")]
    [InlineData("u k")]
    [InlineData("uk.")]
    [InlineData("ukk")]
    public async Task CartEndpoints_UnknownMarketInRoute_Answer404ProblemAndWriteNothing(string market)
    {
        // A viewer with a line in its uk cart, and a guest with one too, so that any request that got through would write.
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, CartMarket);
        var viewer = runner.NewViewer();
        var (line, _) = await runner.AddToCartAsync(viewer, CartMarket, merchant, product);
        var guest = await runner.NewGuestTokenAsync();
        await runner.AddToCartAsync(Shopper.Guest(guest), CartMarket, merchant, product);
        var writesBefore = runner.Writes;
        (HttpMethod Method, string Route, object? Body, Shopper Shopper)[] calls =
        [
            (HttpMethod.Get, Routes.Format(Routes.Cart, market), null, viewer),
            (HttpMethod.Delete, Routes.Format(Routes.Cart, market), null, viewer),
            (HttpMethod.Post, Routes.Format(Routes.CartLines, market), Inputs.CartLine(merchant, product), viewer),
            (HttpMethod.Put, Routes.Format(Routes.CartLine, market, line.Line!.LineId), new CartQuantityInput(2), viewer),
            (HttpMethod.Delete, Routes.Format(Routes.CartLine, market, line.Line!.LineId), null, viewer),
            (HttpMethod.Post, Routes.Format(Routes.CartMerge, market), null, viewer with { GuestToken = guest }),
        ];

        foreach (var (method, route, body, shopper) in calls)
        {
            using var response = await runner.SendAsync(method, route, shopper, body);

            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {route} answered {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Market", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(writesBefore, runner.Writes);
        Assert.Equal(1, (await runner.GetCartAsync(viewer, CartMarket)).ItemCount);
    }

    private async Task SendAndCheckAsync(string name, Target target, string route, string? body, string? contentType)
    {
        var writesBefore = runner.Writes;
        using var request = RunnerFixture.Request(target.Method, route, new Shopper(target.Token, target.GuestToken), ifMatch: target.IfMatch);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await runner.Client.SendAsync(request);

        var status = (int)response.StatusCode;
        var shown = body is null ? "(no body)" : body[..Math.Min(body.Length, 200)];
        Assert.True(status is >= 400 and < 500, $"{name} {route} answered {status} to {shown}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{name} {route} answered {status} without problem+json to {shown}");
        Assert.Equal(writesBefore, runner.Writes);
    }

    /// <summary>One valid request per function (from the right caller, with real ids), to be broken.</summary>
    private async Task<Dictionary<string, Target>> TargetsAsync()
    {
        var owner = RunnerFixture.NewMerchantId();
        var token = runner.MerchantToken(owner);
        var (product, productEtag) = await runner.CreateProductAsync(owner);
        var (stream, streamEtag) = await runner.CreateStreamAsync(owner);

        // A live stream with a showcase product on flash sale (shirt-s), and a viewer and a guest with a cart line each.
        var (liveStream, saleProduct) = await runner.CreateLiveStreamWithProductAsync(owner, CartMarket);
        var sale = await runner.CreateFlashSaleAsync(owner, liveStream, Inputs.FlashSale(saleProduct, runner.Clock.GetUtcNow(), CartMarket, startsIn: TimeSpan.FromSeconds(120)));
        var (cartProduct, _) = await runner.CreateProductAsync(owner, CartMarket);
        var viewer = runner.ViewerToken(RunnerFixture.NewViewerId());
        var (line, cartEtag) = await runner.AddToCartAsync(Shopper.Viewer(viewer), CartMarket, owner, cartProduct);
        var guest = await runner.NewGuestTokenAsync();
        await runner.AddToCartAsync(Shopper.Guest(guest), CartMarket, owner, cartProduct, "shirt-m");
        var lineRoute = Routes.Format(Routes.CartLine, CartMarket, line.Line!.LineId);
        return new()
        {
            ["CreateProduct"] = new(HttpMethod.Post, Routes.Format(Routes.MerchantProducts, owner), Inputs.Product(), null, token),
            ["ReplaceProduct"] = new(HttpMethod.Put, Routes.Format(Routes.MerchantProduct, owner, product), Inputs.Product(), productEtag, token),
            ["ArchiveProduct"] = new(HttpMethod.Post, Routes.Format(Routes.MerchantProductArchive, owner, product), null, null, token),
            ["GetProduct"] = new(HttpMethod.Get, Routes.Format(Routes.MerchantProduct, owner, product), null, null, token),
            ["ListProducts"] = new(HttpMethod.Get, Routes.Format(Routes.MerchantProducts, owner) + "?pageSize=x", null, null, token),
            ["CreateStream"] = new(HttpMethod.Post, Routes.Streams, Inputs.Stream(), null, token),
            ["StartStream"] = new(HttpMethod.Post, Routes.Format(Routes.StreamStart, stream), null, null, token),
            ["EndStream"] = new(HttpMethod.Post, Routes.Format(Routes.StreamEnd, stream), null, null, token),
            ["AddToShowcase"] = new(HttpMethod.Post, Routes.Format(Routes.StreamShowcase, stream), new ShowcaseAddInput(product, 0), null, token),
            ["ReplaceShowcase"] = new(HttpMethod.Put, Routes.Format(Routes.StreamShowcase, stream), new ShowcaseInput([product]), streamEtag, token),
            ["RemoveFromShowcase"] = new(HttpMethod.Delete, Routes.Format(Routes.StreamShowcaseProduct, stream, "not-in-showcase"), null, null, token),
            ["GetStream"] = new(HttpMethod.Get, Routes.Format(Routes.Stream, "str_missing"), null, null, token),
            ["CreateFlashSale"] = new(HttpMethod.Post, Routes.Format(Routes.StreamSales, liveStream), Inputs.FlashSale(saleProduct, runner.Clock.GetUtcNow(), CartMarket, skuId: "shirt-m"), null, token),
            ["CancelFlashSale"] = new(HttpMethod.Post, Routes.Format(Routes.MerchantProductSaleCancel, owner, saleProduct, sale.Id), null, null, token),
            ["ListFlashSales"] = new(HttpMethod.Get, Routes.Format(Routes.StreamSales, liveStream), null, null, null),
            ["CreateGuest"] = new(HttpMethod.Post, Routes.Guests, null, null, null),
            ["GetCart"] = new(HttpMethod.Get, Routes.Format(Routes.Cart, CartMarket), null, null, viewer),
            ["AddCartLine"] = new(HttpMethod.Post, Routes.Format(Routes.CartLines, CartMarket), Inputs.CartLine(owner, cartProduct, "shirt-m", 2), cartEtag, viewer),
            ["SetCartLineQuantity"] = new(HttpMethod.Put, lineRoute, new CartQuantityInput(3), cartEtag, viewer),
            ["RemoveCartLine"] = new(HttpMethod.Delete, lineRoute, null, cartEtag, viewer),
            ["ClearCart"] = new(HttpMethod.Delete, Routes.Format(Routes.Cart, CartMarket), null, cartEtag, viewer),

            // The guest's cart has a line: a merge that got through would write.
            ["MergeGuestCart"] = new(HttpMethod.Post, Routes.Format(Routes.CartMerge, CartMarket), null, null, viewer, guest),
        };
    }

    /// <summary>Bodies that must all be refused: for endpoints with a body, every leaf of a valid body given a wrong type, plus garbage.</summary>
    private static IEnumerable<(string? Body, string? ContentType)> Payloads(object? validBody, Random random)
    {
        if (validBody is null)
        {
            yield break;
        }

        var valid = JsonSerializer.SerializeToNode(validBody, ApiJson.Options)!;
        foreach (var mutated in WrongTypes(valid))
        {
            yield return (mutated, "application/json");
        }

        yield return (valid.ToJsonString(), "text/plain");
        yield return (valid.ToJsonString(), null);
        yield return (valid.ToJsonString()[..(valid.ToJsonString().Length / 2)], "application/json");
        yield return (string.Empty, "application/json");
        yield return ("null", "application/json");
        yield return ("[]", "application/json");
        yield return ("{}", "application/json");
        yield return ("{\"unknownProperty\":1}", "application/json");
        yield return (new string('[', 10_000) + new string(']', 10_000), "application/json");
        yield return ("{\"title\":\"" + new string('x', 100_000) + "\"}", "application/json");
        for (var i = 0; i < 40; i++)
        {
            var bytes = new byte[random.Next(1, 400)];
            random.NextBytes(bytes);
            yield return (Encoding.Latin1.GetString(bytes), "application/json");
        }
    }

    private static IEnumerable<string> WrongTypes(JsonNode root)
    {
        var paths = new List<string>();
        Collect(root, "$", paths);
        foreach (var path in paths)
        {
            var original = Find(root, path)!;
            JsonNode?[] replacements = original switch
            {
                JsonValue v when v.GetValueKind() == JsonValueKind.String => [JsonValue.Create(12), JsonValue.Create(true), new JsonArray(), new JsonObject()],
                JsonValue v when v.GetValueKind() == JsonValueKind.Number => [JsonValue.Create("12"), JsonValue.Create(1.5), JsonValue.Create(true), new JsonArray(), JsonValue.Create(1e30)],
                JsonArray => [JsonValue.Create("x"), JsonValue.Create(1), new JsonObject()],
                JsonObject => [JsonValue.Create("x"), JsonValue.Create(1), new JsonArray()],
                _ => [],
            };
            foreach (var replacement in replacements)
            {
                var copy = root.DeepClone();
                Replace(copy, path, replacement);
                yield return copy.ToJsonString();
            }
        }
    }

    private static void Collect(JsonNode? node, string path, List<string> paths)
    {
        if (path != "$" && node is not null)
        {
            paths.Add(path);
        }

        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    Collect(child, path + "." + key, paths);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    Collect(a[i], path + "[" + i + "]", paths);
                }

                break;
        }
    }

    private static JsonNode? Find(JsonNode root, string path) =>
        Steps(path).Aggregate<object, JsonNode?>(root, (node, step) => step is int i ? node![i] : node![(string)step]);

    private static void Replace(JsonNode root, string path, JsonNode? value)
    {
        var steps = Steps(path).ToList();
        var parent = Steps(path).Take(steps.Count - 1).Aggregate<object, JsonNode?>(root, (node, step) => step is int i ? node![i] : node![(string)step])!;
        if (steps[^1] is int index)
        {
            parent.AsArray()[index] = value;
        }
        else
        {
            parent.AsObject()[(string)steps[^1]] = value;
        }
    }

    private static IEnumerable<object> Steps(string path)
    {
        foreach (var part in path[1..].Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            yield return bracket < 0 ? part : part[..bracket];
            while (bracket >= 0)
            {
                var end = part.IndexOf(']', bracket);
                yield return int.Parse(part[(bracket + 1)..end], System.Globalization.CultureInfo.InvariantCulture);
                bracket = part.IndexOf('[', end);
            }
        }
    }

    /// <summary>The route with each id replaced by ids that cannot exist or are not ids at all.</summary>
    private static IEnumerable<string> MangledRoutes(string route, Random random)
    {
        var path = route.Split('?')[0];
        var query = route[path.Length..];
        var segments = path.Split('/');
        // (A NUL byte in the path is refused by Kestrel itself, before any function runs.)
        string[] bad = ["%2e%2e", new string('x', 300), "%F0%9F%98%80", "..", "str_" + random.Next(), "%20", "a'b\"c"];
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i] is "merchants" or "products" or "streams" or "showcase" or "start" or "end" or "archive"
                or "sales" or "cancel" or "guests" or "carts" or "lines" or "merge")
            {
                continue;
            }

            foreach (var value in bad)
            {
                // '..' as the last segment is no id: dot-segment removal (RFC 3986, done by the client and by Kestrel)
                // makes the request one for the parent resource, e.g. DELETE .../lines/.. is DELETE /api/carts/uk/.
                if (i == segments.Length - 1 && value is ".." or "%2e%2e")
                {
                    continue;
                }

                var copy = (string[])segments.Clone();
                copy[i] = value;
                yield return string.Join('/', copy) + query;
            }
        }
    }
}

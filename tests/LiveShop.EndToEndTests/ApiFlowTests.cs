using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LiveShop.Core.Catalog;
using LiveShop.Core.Streams;
using LiveShop.Functions.Http;

namespace LiveShop.EndToEndTests;

/// <summary>What merchants and viewers do, through the runner over HTTP.</summary>
[Collection(RunnerCollection.Name)]
public sealed class ApiFlowTests(RunnerFixture runner)
{
    [Fact]
    public async Task Product_CreateReadReplace_EtagsGuardAgainstLostUpdates()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var token = runner.MerchantToken(merchant);
        var (id, etag) = await runner.CreateProductAsync(merchant, "uk", price: 1999);
        var route = Routes.Format(Routes.MerchantProduct, merchant, id);

        using var read = await runner.SendAsync(HttpMethod.Get, route);
        var view = (await read.Content.ReadFromJsonAsync<ProductView>(ApiJson.Options))!;
        Assert.Equal(etag, read.Headers.ETag!.Tag);
        Assert.Equal(1999, view.Skus[0].Price.MinorUnits);
        Assert.Equal("GBP", view.Skus[0].Price.Currency);
        Assert.Equal("19.99", view.Skus[0].Price.Amount);
        Assert.Equal("£19.99", view.Skus[0].Price.Formatted);

        using var noIfMatch = await runner.SendAsync(HttpMethod.Put, route, token, Inputs.Product("uk", title: "A"));
        Assert.Equal(HttpStatusCode.PreconditionRequired, noIfMatch.StatusCode);

        using var first = await runner.SendAsync(HttpMethod.Put, route, token, Inputs.Product("uk", title: "First"), etag);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(etag, first.Headers.ETag!.Tag);

        using var stale = await runner.SendAsync(HttpMethod.Put, route, token, Inputs.Product("uk", title: "Second"), etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);

        using var after = await runner.SendAsync(HttpMethod.Get, route);
        Assert.Equal("First", (await after.Content.ReadFromJsonAsync<ProductView>(ApiJson.Options))!.Title);
    }

    [Fact]
    public async Task Product_CurrencyOfAnotherMarket_Answers400NamingTheField()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var input = Inputs.Product("uk") with { Skus = [new SkuInput("a", null, new MoneyInput(100, "USD"), 1)] };

        using var response = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.MerchantProducts, merchant), runner.MerchantToken(merchant), input);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("skus[0].price.currency", out _));
    }

    [Fact]
    public async Task UnknownProduct_Answers404Problem()
    {
        using var response = await runner.SendAsync(HttpMethod.Get, Routes.Format(Routes.MerchantProduct, "m-nobody", "prd_nothing"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ListProducts_PagesWithContinuationTokens_AndHidesArchived()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await runner.CreateProductAsync(merchant)).Id);
        }

        using var archived = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.MerchantProductArchive, merchant, ids[0]), runner.MerchantToken(merchant));
        Assert.Equal(HttpStatusCode.OK, archived.StatusCode);

        var seen = new List<string>();
        string? token = null;
        do
        {
            var query = "?pageSize=2" + (token is null ? string.Empty : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = (await runner.Client.GetFromJsonAsync<ProductPageView>(RunnerFixture.Url(Routes.Format(Routes.MerchantProducts, merchant)) + query, ApiJson.Options))!;
            Assert.True(page.Items.Count <= 2);
            seen.AddRange(page.Items.Select(p => p.Id));
            token = page.ContinuationToken;
        }
        while (token is not null);

        // Newest first: ids sort by creation time to the millisecond (UUIDv7); within one millisecond, by id.
        Assert.Equal(ids.Skip(1).OrderDescending(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task Stream_ShowcaseAndLifecycle_ViewersSeeChangesAtOnce()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var token = runner.MerchantToken(merchant);
        var (stream, _) = await runner.CreateStreamAsync(merchant);
        var (first, _) = await runner.CreateProductAsync(merchant);
        var (second, secondEtag) = await runner.CreateProductAsync(merchant);
        var (otherMarket, _) = await runner.CreateProductAsync(merchant, "uk");

        foreach (var product in new[] { first, second })
        {
            using var added = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamShowcase, stream), token, new ShowcaseAddInput(product, null));
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        using var wrongMarket = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamShowcase, stream), token, new ShowcaseAddInput(otherMarket, null));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongMarket.StatusCode);

        var view = await ReadViewAsync(stream);
        Assert.Equal([first, second], view.Showcase.Select(p => p.Id));

        // The view is cached; a product change must still show at once.
        using var renamed = await runner.SendAsync(HttpMethod.Put, Routes.Format(Routes.MerchantProduct, merchant, second), token, Inputs.Product(title: "Renamed live"), secondEtag);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("Renamed live", (await ReadViewAsync(stream)).Showcase[1].Title);

        using var started = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamStart, stream), token);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        Assert.Equal("live", (await ReadViewAsync(stream)).Status);

        using var ended = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamEnd, stream), token);
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        using var restarted = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamStart, stream), token);
        Assert.Equal(HttpStatusCode.Conflict, restarted.StatusCode);
        Assert.Equal("ended", (await ReadViewAsync(stream)).Status);
    }

    [Fact]
    public async Task Showcase_ReorderWithTheVersionViewersSee_SucceedsOnceThenIsStale()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var token = runner.MerchantToken(merchant);
        var (stream, etag) = await runner.CreateStreamAsync(merchant);
        var (first, _) = await runner.CreateProductAsync(merchant);
        var (second, _) = await runner.CreateProductAsync(merchant);
        using var set = await runner.SendAsync(HttpMethod.Put, Routes.Format(Routes.StreamShowcase, stream), token, new ShowcaseInput([first, second]), etag);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        var read = await ReadViewAsync(stream);
        using var reordered = await runner.SendAsync(HttpMethod.Put, Routes.Format(Routes.StreamShowcase, stream), token, new ShowcaseInput([second, first]), read.Version);
        using var again = await runner.SendAsync(HttpMethod.Put, Routes.Format(Routes.StreamShowcase, stream), token, new ShowcaseInput([first]), read.Version);

        Assert.Equal(HttpStatusCode.OK, reordered.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, again.StatusCode);
        Assert.Equal([second, first], (await ReadViewAsync(stream)).Showcase.Select(p => p.Id));
    }

    [Fact]
    public async Task ReplaceProduct_WeakIfMatch_NeverMatches412()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (id, etag) = await runner.CreateProductAsync(merchant);

        using var response = await runner.SendAsync(
            HttpMethod.Put, Routes.Format(Routes.MerchantProduct, merchant, id), runner.MerchantToken(merchant), Inputs.Product(title: "Weak"), "W/" + etag);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
    }

    [Theory]
    [InlineData("2030-01-01T18:00:00")]
    [InlineData("2030-01-01")]
    [InlineData("tomorrow")]
    public async Task CreateStream_ScheduledStartWithoutOffset_Answers400(string scheduledStart)
    {
        var merchant = RunnerFixture.NewMerchantId();
        using var request = RunnerFixture.Request(HttpMethod.Post, Routes.Streams, runner.MerchantToken(merchant));
        request.Content = new StringContent(
            $$"""{"market":"us","title":"Drop","scheduledStart":"{{scheduledStart}}","playbackUrl":"https://video.example.com/1.m3u8"}""",
            System.Text.Encoding.UTF8,
            "application/json");

        using var response = await runner.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("offset", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateProduct_DuplicateJsonProperty_Answers400()
    {
        var merchant = RunnerFixture.NewMerchantId();
        using var request = RunnerFixture.Request(HttpMethod.Post, Routes.Format(Routes.MerchantProducts, merchant), runner.MerchantToken(merchant));
        var json = JsonSerializer.Serialize(Inputs.Product("uk"), ApiJson.Options);
        request.Content = new StringContent("{\"market\":\"us\"," + json[1..], System.Text.Encoding.UTF8, "application/json");

        using var response = await runner.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await runner.Client.GetFromJsonAsync<ProductPageView>(RunnerFixture.Url(Routes.Format(Routes.MerchantProducts, merchant)), ApiJson.Options))!.Items);
    }

    [Theory]
    [InlineData("{0}")]
    [InlineData("W/{0}")]
    [InlineData("\"other\", {0}")]
    [InlineData("*")]
    public async Task GetStream_IfNoneMatchNamingCurrentEtag_Answers304(string header)
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, _) = await runner.CreateStreamAsync(merchant);
        using var first = await runner.SendAsync(HttpMethod.Get, Routes.Format(Routes.Stream, stream));

        using var request = RunnerFixture.Request(HttpMethod.Get, Routes.Format(Routes.Stream, stream));
        request.Headers.TryAddWithoutValidation("If-None-Match", string.Format(System.Globalization.CultureInfo.InvariantCulture, header, first.Headers.ETag!.Tag));
        using var second = await runner.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task GetStream_IfNoneMatchCurrentEtag_Answers304()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, _) = await runner.CreateStreamAsync(merchant);
        using var first = await runner.SendAsync(HttpMethod.Get, Routes.Format(Routes.Stream, stream));
        var etag = first.Headers.ETag!.Tag;

        using var request = RunnerFixture.Request(HttpMethod.Get, Routes.Format(Routes.Stream, stream));
        request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        using var second = await runner.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task OversizedBody_Answers413Problem()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var input = Inputs.Product() with { Description = new string('x', HttpEndpoint.MaxBodyBytes) };

        using var response = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.MerchantProducts, merchant), runner.MerchantToken(merchant), input);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<StreamView> ReadViewAsync(string stream) =>
        (await runner.Client.GetFromJsonAsync<StreamView>(RunnerFixture.Url(Routes.Format(Routes.Stream, stream)), ApiJson.Options))!;
}

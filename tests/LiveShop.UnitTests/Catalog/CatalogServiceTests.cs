using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.Core.Identity;
using LiveShop.UnitTests.Builders;
using Moq;

namespace LiveShop.UnitTests.Catalog;

public class CatalogServiceTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task CreateAsync_ByOwningMerchant_StoresActiveProductAndTellsEvents()
    {
        var shop = new Shop();

        var created = await shop.Catalog.CreateAsync(Callers.Merchant(), Shop.MerchantId, ProductInputBuilder.For("uk").Build(), None);

        var stored = await shop.Catalog.GetAsync(Shop.MerchantId, created.Value.Id, None);
        Assert.Equal(created.ETag, stored.ETag);
        Assert.Equal(ProductStatus.Active, stored.Value.Status);
        Assert.Equal("uk", stored.Value.Market);
        Assert.StartsWith("prd_", stored.Value.Id, StringComparison.Ordinal);
        Assert.Equal(shop.Clock.GetUtcNow(), stored.Value.CreatedAt);
        shop.Events.Verify(e => e.ProductChangedAsync(It.Is<Product>(p => p.Id == created.Value.Id), It.IsAny<CancellationToken>()), Times.Once);
    }

    public static TheoryData<Caller> NotTheOwner => new() { Callers.Merchant(Shop.OtherMerchantId), Callers.Viewer(), Callers.Ops() };

    [Theory]
    [MemberData(nameof(NotTheOwner))]
    public async Task CreateAsync_ByAnyoneButTheMerchant_IsForbiddenAndStoresNothing(Caller caller)
    {
        var shop = new Shop();

        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => shop.Catalog.CreateAsync(caller, Shop.MerchantId, new ProductInputBuilder().Build(), None));

        var owner = await shop.Catalog.ListAsync(Callers.Merchant(), Shop.MerchantId, includeArchived: true, null, null, None);
        var other = await shop.Catalog.ListAsync(Callers.Merchant(Shop.OtherMerchantId), Shop.OtherMerchantId, includeArchived: true, null, null, None);
        Assert.Empty(owner.Items);
        Assert.Empty(other.Items);
        shop.Events.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task CreateAsync_InvalidInput_ThrowsValidationAndStoresNothing()
    {
        var shop = new Shop();

        await Problem.ThrowsAsync(ErrorKind.Validation, () => shop.Catalog.CreateAsync(Callers.Merchant(), Shop.MerchantId, new ProductInputBuilder().WithTitle(null).Build(), None));

        Assert.Empty((await shop.Catalog.ListAsync(null, Shop.MerchantId, false, null, null, None)).Items);
        shop.Events.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task CreateAsync_MarketNotServedHere_ThrowsUnprocessable()
    {
        var shop = new Shop(servedMarkets: "uk");

        var error = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.Catalog.CreateAsync(Callers.Merchant(), Shop.MerchantId, ProductInputBuilder.For("us").Build(), None));

        Assert.Contains("'us'", error.Message, StringComparison.Ordinal);
        shop.Events.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task CreateAsync_MarketServedHere_Succeeds()
    {
        var shop = new Shop(servedMarkets: "uk");

        var created = await shop.Catalog.CreateAsync(Callers.Merchant(), Shop.MerchantId, ProductInputBuilder.For("uk").Build(), None);

        Assert.Equal("uk", created.Value.Market);
    }

    [Fact]
    public async Task ReplaceAsync_WithCurrentETag_ReplacesFieldsAndTellsEvents()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync();
        var current = await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None);
        shop.Clock.Advance(TimeSpan.FromMinutes(1));

        var replaced = await shop.Catalog.ReplaceAsync(Callers.Merchant(), Shop.MerchantId, product.Id, new ProductInputBuilder().WithTitle("New title").Build(), current.ETag, None);

        Assert.NotEqual(current.ETag, replaced.ETag);
        var stored = await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None);
        Assert.Equal("New title", stored.Value.Title);
        Assert.Equal(product.CreatedAt, stored.Value.CreatedAt);
        Assert.Equal(shop.Clock.GetUtcNow(), stored.Value.UpdatedAt);
        shop.Events.Verify(e => e.ProductChangedAsync(It.Is<Product>(p => p.Title == "New title"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task ReplaceAsync_WithoutIfMatch_ThrowsPreconditionRequired(string? ifMatch)
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync();

        await Problem.ThrowsAsync(ErrorKind.PreconditionRequired, () => shop.Catalog.ReplaceAsync(Callers.Merchant(), Shop.MerchantId, product.Id, new ProductInputBuilder().WithTitle("x").Build(), ifMatch, None));

        Assert.Equal(product.Title, (await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None)).Value.Title);
    }

    [Fact]
    public async Task ReplaceAsync_WithStaleETag_ThrowsPreconditionFailedAndKeepsTheOtherWrite()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync();
        var read = await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None);
        await shop.Catalog.ReplaceAsync(Callers.Merchant(), Shop.MerchantId, product.Id, new ProductInputBuilder().WithTitle("First").Build(), read.ETag, None);

        await Problem.ThrowsAsync(ErrorKind.PreconditionFailed, () => shop.Catalog.ReplaceAsync(Callers.Merchant(), Shop.MerchantId, product.Id, new ProductInputBuilder().WithTitle("Second").Build(), read.ETag, None));

        Assert.Equal("First", (await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None)).Value.Title);
    }

    [Fact]
    public async Task ReplaceAsync_ChangingMarket_ThrowsUnprocessable()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync(input: ProductInputBuilder.For("us"));
        var read = await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None);

        await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.Catalog.ReplaceAsync(Callers.Merchant(), Shop.MerchantId, product.Id, ProductInputBuilder.For("uk").Build(), read.ETag, None));

        Assert.Equal("us", (await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None)).Value.Market);
    }

    [Fact]
    public async Task ReplaceAsync_ArchivedProduct_ThrowsConflict()
    {
        var shop = new Shop();
        var product = await shop.CreateArchivedProductAsync();
        var read = await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None);

        await Problem.ThrowsAsync(ErrorKind.Conflict, () => shop.Catalog.ReplaceAsync(Callers.Merchant(), Shop.MerchantId, product.Id, new ProductInputBuilder().WithTitle("x").Build(), read.ETag, None));

        Assert.True((await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None)).Value.IsArchived);
    }

    [Theory]
    [MemberData(nameof(NotTheOwner))]
    public async Task ReplaceAsync_ByAnyoneButTheMerchant_IsForbidden(Caller caller)
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync();
        var read = await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None);

        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => shop.Catalog.ReplaceAsync(caller, Shop.MerchantId, product.Id, new ProductInputBuilder().WithTitle("x").Build(), read.ETag, None));

        Assert.Equal(read.ETag, (await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None)).ETag);
    }

    [Fact]
    public async Task ReplaceAsync_UnknownProduct_ThrowsNotFound()
    {
        var shop = new Shop();

        await Problem.ThrowsAsync(ErrorKind.NotFound, () => shop.Catalog.ReplaceAsync(Callers.Merchant(), Shop.MerchantId, "prd_missing", new ProductInputBuilder().Build(), "\"1\"", None));
    }

    [Fact]
    public async Task ArchiveAsync_ActiveProduct_ArchivesAndTellsEvents()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync();
        shop.Events.Invocations.Clear();

        var archived = await shop.Catalog.ArchiveAsync(Callers.Merchant(), Shop.MerchantId, product.Id, null, None);

        Assert.Equal(ProductStatus.Archived, archived.Value.Status);
        Assert.True((await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None)).Value.IsArchived);
        shop.Events.Verify(e => e.ProductChangedAsync(It.Is<Product>(p => p.IsArchived), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task ArchiveAsync_AlreadyArchived_IsANoOpWithoutEvent()
    {
        var shop = new Shop();
        var product = await shop.CreateArchivedProductAsync();
        var before = await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None);
        shop.Events.Invocations.Clear();

        var again = await shop.Catalog.ArchiveAsync(Callers.Merchant(), Shop.MerchantId, product.Id, null, None);

        Assert.Equal(before.ETag, again.ETag);
        Assert.True(again.Value.IsArchived);
        shop.Events.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ArchiveAsync_WithStaleETag_ThrowsPreconditionFailed()
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync();
        var read = await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None);
        await shop.Catalog.ReplaceAsync(Callers.Merchant(), Shop.MerchantId, product.Id, new ProductInputBuilder().WithTitle("Changed").Build(), read.ETag, None);

        await Problem.ThrowsAsync(ErrorKind.PreconditionFailed, () => shop.Catalog.ArchiveAsync(Callers.Merchant(), Shop.MerchantId, product.Id, read.ETag, None));

        Assert.False((await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None)).Value.IsArchived);
    }

    [Theory]
    [MemberData(nameof(NotTheOwner))]
    public async Task ArchiveAsync_ByAnyoneButTheMerchant_IsForbidden(Caller caller)
    {
        var shop = new Shop();
        var product = await shop.CreateProductAsync();

        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => shop.Catalog.ArchiveAsync(caller, Shop.MerchantId, product.Id, null, None));

        Assert.False((await shop.Catalog.GetAsync(Shop.MerchantId, product.Id, None)).Value.IsArchived);
    }

    [Theory]
    [InlineData("bad id")]
    [InlineData("prd_unknown")]
    public async Task GetAsync_UnknownOrMalformedId_ThrowsNotFound(string productId)
    {
        var shop = new Shop();

        await Problem.ThrowsAsync(ErrorKind.NotFound, () => shop.Catalog.GetAsync(Shop.MerchantId, productId, None));
    }

    [Fact]
    public async Task ListAsync_SeveralPages_ReturnsNewestFirstWithContinuationTokens()
    {
        var shop = new Shop();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await shop.CreateProductAsync(input: new ProductInputBuilder().WithTitle($"p{i}"))).Id);
        }

        await shop.CreateProductAsync(Shop.OtherMerchantId);

        var first = await shop.Catalog.ListAsync(null, Shop.MerchantId, false, 2, null, None);
        var second = await shop.Catalog.ListAsync(null, Shop.MerchantId, false, 2, first.ContinuationToken, None);
        var third = await shop.Catalog.ListAsync(null, Shop.MerchantId, false, 2, second.ContinuationToken, None);

        Assert.Equal(["p4", "p3"], first.Items.Select(p => p.Title));
        Assert.Equal(["p2", "p1"], second.Items.Select(p => p.Title));
        Assert.Equal(["p0"], third.Items.Select(p => p.Title));
        Assert.NotNull(first.ContinuationToken);
        Assert.NotNull(second.ContinuationToken);
        Assert.Null(third.ContinuationToken);
    }

    [Fact]
    public async Task ListAsync_DefaultPageSize_Is20()
    {
        var shop = new Shop();
        for (var i = 0; i < CatalogService.DefaultPageSize + 1; i++)
        {
            await shop.CreateProductAsync();
        }

        var page = await shop.Catalog.ListAsync(null, Shop.MerchantId, false, null, null, None);

        Assert.Equal(CatalogService.DefaultPageSize, page.Items.Count);
        Assert.NotNull(page.ContinuationToken);
    }

    [Fact]
    public async Task ListAsync_WithoutIncludeArchived_LeavesArchivedOut()
    {
        var shop = new Shop();
        var active = await shop.CreateProductAsync();
        await shop.CreateArchivedProductAsync();

        var page = await shop.Catalog.ListAsync(Callers.Merchant(), Shop.MerchantId, false, null, null, None);

        Assert.Equal([active.Id], page.Items.Select(p => p.Id));
    }

    [Fact]
    public async Task ListAsync_IncludeArchivedByTheOwner_ListsArchivedToo()
    {
        var shop = new Shop();
        var active = await shop.CreateProductAsync();
        var archived = await shop.CreateArchivedProductAsync();

        var page = await shop.Catalog.ListAsync(Callers.Merchant(), Shop.MerchantId, true, null, null, None);

        Assert.Equal([archived.Id, active.Id], page.Items.Select(p => p.Id));
        Assert.Equal("archived", page.Items[0].Status);
    }

    [Theory]
    [MemberData(nameof(NotTheOwner))]
    public async Task ListAsync_IncludeArchivedByAnyoneButTheOwner_IsForbidden(Caller caller)
    {
        var shop = new Shop();
        await shop.CreateArchivedProductAsync();

        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => shop.Catalog.ListAsync(caller, Shop.MerchantId, true, null, null, None));
    }

    [Fact]
    public async Task ListAsync_IncludeArchivedAnonymously_ThrowsUnauthenticated()
    {
        var shop = new Shop();

        await Problem.ThrowsAsync(ErrorKind.Unauthenticated, () => shop.Catalog.ListAsync(null, Shop.MerchantId, true, null, null, None));
    }

    [Theory]
    [InlineData("garbage!")]
    [InlineData("azE6")] // "k1:" with no id
    public async Task ListAsync_BadContinuationToken_ThrowsBadRequest(string token)
    {
        var shop = new Shop();

        await Problem.ThrowsAsync(ErrorKind.BadRequest, () => shop.Catalog.ListAsync(null, Shop.MerchantId, false, null, token, None));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(CatalogService.MaxPageSize + 1)]
    public async Task ListAsync_PageSizeOutOfRange_ThrowsValidationNamingPageSize(int pageSize)
    {
        var shop = new Shop();

        var error = await Problem.ThrowsAsync(ErrorKind.Validation, () => shop.Catalog.ListAsync(null, Shop.MerchantId, false, pageSize, null, None));

        Assert.Contains("pageSize", error.Errors!.Keys);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(CatalogService.MaxPageSize)]
    public async Task ListAsync_PageSizeAtTheLimits_IsAccepted(int pageSize)
    {
        var shop = new Shop();
        await shop.CreateProductAsync();

        var page = await shop.Catalog.ListAsync(null, Shop.MerchantId, false, pageSize, null, None);

        Assert.Single(page.Items);
    }

    [Fact]
    public async Task ListAsync_ProductView_CarriesFormattedPrices()
    {
        var shop = new Shop();
        await shop.CreateProductAsync(input: ProductInputBuilder.For("uk").WithSku("s", 1999, stockOnHand: 0));

        var sku = (await shop.Catalog.ListAsync(null, Shop.MerchantId, false, null, null, None)).Items[0].Skus[0];

        Assert.Equal("19.99", sku.Price.Amount);
        Assert.Equal("£19.99", sku.Price.Formatted);
        Assert.Equal(2, sku.Price.Exponent);
        Assert.False(sku.InStock);
    }
}

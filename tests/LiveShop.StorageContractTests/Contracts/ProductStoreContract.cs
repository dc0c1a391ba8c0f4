using LiveShop.Core.Catalog;
using LiveShop.Core.Storage;
using Microsoft.Extensions.Time.Testing;

namespace LiveShop.StorageContractTests.Contracts;

/// <summary>The <see cref="IProductStore"/> contract: the document contract plus the merchant's keyset-paged listing.</summary>
public abstract class ProductStoreContract : DocumentStoreContract<Product>
{
    protected abstract IProductStore ProductStore { get; }

    protected override IDocumentStore<Product> Store => ProductStore;

    protected override ContainerDefinition Definition => PlatformDefinitions.Products;

    protected override Product NewDocument() => Documents.Product(Documents.UniqueId("mer"));

    protected override IReadOnlyList<Product> NewPartitionMates(Product document, int count) =>
        Enumerable.Range(0, count).Select(_ => Documents.Product(document.MerchantId)).ToList();

    protected override Product Changed(Product document, int variant) =>
        document with { Title = $"{document.Title} v{variant}", Skus = document.Skus.Take(1).ToList(), UpdatedAt = document.UpdatedAt.AddSeconds(variant) };

    [Fact]
    public async Task ListByMerchant_TwentyFiveProductsInPagesOfTen_ReturnsThreePagesNewestFirst()
    {
        var (merchant, created) = await CreateCatalogAsync();

        var pages = await ListAllAsync(merchant, includeArchived: true, pageSize: 10);

        Assert.Equal([10, 10, 5], pages.Select(p => p.Items.Count));
        Assert.Equal([true, true, false], pages.Select(p => p.NextAfter is not null));
        var listed = pages.SelectMany(p => p.Items).ToList();
        Assert.Equal(created.Select(p => p.Id).Reverse(), listed.Select(p => p.Id));
        Assert.All(listed, p => Assert.True(Documents.SameJson(created.Single(c => c.Id == p.Id), p)));
    }

    [Fact]
    public async Task ListByMerchant_WithoutArchived_SkipsArchivedProductsAndEndsOnAFullPage()
    {
        var (merchant, created) = await CreateCatalogAsync();

        var pages = await ListAllAsync(merchant, includeArchived: false, pageSize: 10);

        Assert.Equal([10, 10], pages.Select(p => p.Items.Count));
        Assert.Null(pages[^1].NextAfter);
        var expected = created.Where(p => !p.IsArchived).Select(p => p.Id).Reverse();
        Assert.Equal(expected, pages.SelectMany(p => p.Items).Select(p => p.Id));
    }

    [Fact]
    public async Task ListByMerchant_MerchantWithoutProducts_ReturnsAnEmptyLastPage()
    {
        await CreateCatalogAsync();

        var page = await ProductStore.ListByMerchantAsync(Documents.UniqueId("mer"), includeArchived: true, after: null, limit: 10, None);

        Assert.Empty(page.Items);
        Assert.Null(page.NextAfter);
    }

    /// <summary>
    /// 25 products of one merchant (every fifth archived) with ids in creation order, interleaved with
    /// another merchant's products that must never show up.
    /// </summary>
    private async Task<(string Merchant, IReadOnlyList<Product> Created)> CreateCatalogAsync()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        var merchant = Documents.UniqueId("mer");
        var neighbour = Documents.UniqueId("mer");
        var created = new List<Product>();
        for (var i = 0; i < 25; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
            var product = Documents.Product(merchant, Ids.New("prd", clock), i % 5 == 4 ? ProductStatus.Archived : ProductStatus.Active);
            await ProductStore.CreateAsync(product, None);
            created.Add(product);
            if (i % 5 == 0)
            {
                await ProductStore.CreateAsync(Documents.Product(neighbour, Ids.New("prd", clock)), None);
            }
        }

        return (merchant, created);
    }

    private async Task<IReadOnlyList<KeysetPage<Product>>> ListAllAsync(string merchant, bool includeArchived, int pageSize)
    {
        var pages = new List<KeysetPage<Product>>();
        string? after = null;
        do
        {
            var page = await ProductStore.ListByMerchantAsync(merchant, includeArchived, after, pageSize, None);
            pages.Add(page);
            after = page.NextAfter;
        }
        while (after is not null && pages.Count < 10);

        return pages;
    }
}

using LiveShop.Core.Carts;
using LiveShop.Core.Storage;

namespace LiveShop.StorageContractTests.Contracts;

/// <summary>The <see cref="ICartStore"/> contract: carts partitioned by owner, one per market, with a time to live.</summary>
public abstract class CartStoreContract : DocumentStoreContract<Cart>
{
    private static readonly string[] OtherMarkets = ["us", "sg", "vn", "th"];

    protected abstract ICartStore CartStore { get; }

    protected override IDocumentStore<Cart> Store => CartStore;

    protected override ContainerDefinition Definition => PlatformDefinitions.Carts;

    protected override Cart NewDocument() => Documents.Cart(Documents.UniqueId("u"));

    protected override IReadOnlyList<Cart> NewPartitionMates(Cart document, int count) =>
        OtherMarkets.Take(count).Select(market => Documents.Cart(document.OwnerKey, market)).ToList();

    protected override Cart Changed(Cart document, int variant) =>
        document with { Lines = document.Lines.Take(1).Select(l => l with { Quantity = variant }).ToList(), UpdatedAt = document.UpdatedAt.AddSeconds(variant) };

    [Fact]
    public async Task StoredJson_HasTheTimeToLiveAtTopLevel_AsCosmosDbReadsIt()
    {
        var cart = NewDocument() with { Ttl = 1234 };
        await Store.CreateAsync(cart, None);

        var json = await ReadStoredJsonAsync(cart);

        Assert.Equal(1234, json.GetProperty("ttl").GetInt32());
    }

    [Fact]
    public async Task TwoMarkets_OfOneOwner_AreTwoCarts()
    {
        var uk = Documents.Cart(Documents.UniqueId("u"), "uk");
        var us = Documents.Cart(uk.OwnerKey, "us");
        await Store.CreateAsync(uk, None);
        await Store.CreateAsync(us, None);

        var found = await Store.ReadManyAsync(uk.OwnerKey, ["uk", "us"], None);

        Assert.Equal(["uk", "us"], found.Select(c => c.Value.Market).Order());
    }
}

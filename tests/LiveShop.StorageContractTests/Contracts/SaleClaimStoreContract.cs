using LiveShop.Core.Sales;
using LiveShop.Core.Storage;

namespace LiveShop.StorageContractTests.Contracts;

/// <summary>
/// The <see cref="ISaleClaimStore"/> contract: claims partitioned by buyer, each with its sale's id, so one sale's
/// claims by many buyers share an id and are told apart by the partition only.
/// </summary>
public abstract class SaleClaimStoreContract : DocumentStoreContract<SaleClaim>
{
    protected abstract ISaleClaimStore ClaimStore { get; }

    protected override IDocumentStore<SaleClaim> Store => ClaimStore;

    protected override ContainerDefinition Definition => PlatformDefinitions.Claims;

    protected override SaleClaim NewDocument() => Documents.Claim(Documents.UniqueId("viewer"));

    /// <summary>The buyer's claims of other sales.</summary>
    protected override IReadOnlyList<SaleClaim> NewPartitionMates(SaleClaim document, int count) =>
        Enumerable.Range(0, count).Select(_ => Documents.Claim(document.BuyerId)).ToList();

    protected override SaleClaim Changed(SaleClaim document, int variant) =>
        document with
        {
            Entries = new Dictionary<string, ClaimEntry>(document.Entries) { [$"chk_v{variant}"] = new(variant, ClaimState.Held) },
        };

    [Fact]
    public async Task OneSale_ClaimedByTwoBuyers_IsTwoClaims()
    {
        var first = NewDocument();
        var second = Documents.Claim(Documents.UniqueId("viewer"), first.SaleId) with
        {
            Entries = new Dictionary<string, ClaimEntry> { ["chk_second"] = new(1, ClaimState.Held) },
        };
        var firstETag = await Store.CreateAsync(first, None);
        await Store.CreateAsync(second, None);

        await Store.ReplaceAsync(Changed(first, 1), firstETag, None);

        Assert.True(Documents.SameJson(Changed(first, 1), (await Store.ReadAsync(first.BuyerId, first.SaleId, None))!.Value));
        Assert.True(Documents.SameJson(second, (await Store.ReadAsync(second.BuyerId, second.SaleId, None))!.Value));
        Assert.True(Documents.SameJson(second, Assert.Single(await Store.ReadManyAsync(second.BuyerId, [second.SaleId], None)).Value));
    }

    [Fact]
    public async Task Replace_ForABuyerWithoutAClaimOfThatSale_ThrowsDocumentNotFoundAndLeavesTheOtherBuyersClaim()
    {
        var claim = NewDocument();
        var etag = await Store.CreateAsync(claim, None);
        var otherBuyers = Changed(claim, 1) with { BuyerId = Documents.UniqueId("viewer") };

        await Assert.ThrowsAsync<DocumentNotFoundException>(() => Store.ReplaceAsync(otherBuyers, etag, None));

        Assert.Null(await Store.ReadAsync(otherBuyers.BuyerId, claim.SaleId, None));
        var read = await Store.ReadAsync(claim.BuyerId, claim.SaleId, None);
        Assert.Equal(etag, read!.ETag);
        Assert.True(Documents.SameJson(claim, read.Value));
    }

    [Fact]
    public async Task Create_WithNoEntries_ReadsBackAnEmptyMap()
    {
        var claim = NewDocument() with { Entries = new Dictionary<string, ClaimEntry>() };
        await Store.CreateAsync(claim, None);

        var read = (await Store.ReadAsync(claim.BuyerId, claim.SaleId, None))!.Value;

        Assert.Empty(read.Entries);
        Assert.Equal(0, read.Taken);
    }

    [Fact]
    public async Task StoredJson_HasTheEntriesByCheckoutWithTheirStates()
    {
        var claim = NewDocument();
        await Store.CreateAsync(claim, None);

        var json = await ReadStoredJsonAsync(claim);

        var entries = json.GetProperty("entries").EnumerateObject()
            .ToDictionary(e => e.Name, e => (e.Value.GetProperty("quantity").GetInt64(), e.Value.GetProperty("state").GetString()));
        Assert.Equal(
            new Dictionary<string, (long, string?)>
            {
                ["chk_0123456789abcdef0123456789abcdef"] = (2, "held"),
                ["chk_fedcba9876543210fedcba9876543210"] = (1, "bought"),
                ["chk_00112233445566778899aabbccddeeff"] = (3, "released"),
            },
            entries);
        Assert.Equal(claim.SaleId, json.GetProperty("id").GetString());
    }
}

using LiveShop.Core.Storage;
using LiveShop.Core.Streams;

namespace LiveShop.StorageContractTests.Contracts;

/// <summary>The <see cref="IStreamStore"/> contract: streams are partitioned by their own id.</summary>
public abstract class StreamStoreContract : DocumentStoreContract<LiveStream>
{
    protected abstract IStreamStore StreamStore { get; }

    protected override IDocumentStore<LiveStream> Store => StreamStore;

    protected override ContainerDefinition Definition => PlatformDefinitions.Streams;

    protected override LiveStream NewDocument() => Documents.Stream();

    protected override IReadOnlyList<LiveStream> NewPartitionMates(LiveStream document, int count) => [];

    protected override LiveStream Changed(LiveStream document, int variant) =>
        document.WithShowcase([.. document.Showcase, $"prd_v{variant}"], document.UpdatedAt.AddSeconds(variant));

    [Fact]
    public async Task FindPinningAsync_FindsTheMerchantsStreamsPinningTheProduct_AndNoOthers()
    {
        var pinning = Live(Documents.Stream()).Pinned("prd_1", null, Documents.Created);
        var otherProduct = Live(Documents.Stream() with { MerchantId = pinning.MerchantId }).Pinned("prd_2", null, Documents.Created);
        var otherMerchant = Live(Documents.Stream()).Pinned("prd_1", null, Documents.Created);
        var unpinned = Live(Documents.Stream() with { MerchantId = pinning.MerchantId }).Pinned("prd_1", null, Documents.Created).Unpinned(UnpinReasons.Merchant, Documents.Created);
        foreach (var stream in new[] { pinning, otherProduct, otherMerchant, unpinned })
        {
            await StreamStore.CreateAsync(stream, CancellationToken.None);
        }

        var found = await StreamStore.FindPinningAsync(pinning.MerchantId, "prd_1", CancellationToken.None);

        Assert.Equal([pinning.Id], found.Select(s => s.Value.Id));
        Assert.Equal(("prd_1", 1L), (found[0].Value.Pin!.ProductId, found[0].Value.LastPinEvent!.Revision));
    }

    private static LiveStream Live(LiveStream stream) => stream.Start(Documents.Created);
}

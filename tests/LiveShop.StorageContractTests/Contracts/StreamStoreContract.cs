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
}

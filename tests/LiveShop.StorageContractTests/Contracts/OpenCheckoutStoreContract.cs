using LiveShop.Core.Checkout;
using LiveShop.Core.Storage;

namespace LiveShop.StorageContractTests.Contracts;

/// <summary>The <see cref="IOpenCheckoutStore"/> contract: a buyer's open checkouts per market, in the claims container beside its sale claims.</summary>
public abstract class OpenCheckoutStoreContract : DocumentStoreContract<OpenCheckouts>
{
    protected abstract IOpenCheckoutStore OpenStore { get; }

    protected override IDocumentStore<OpenCheckouts> Store => OpenStore;

    protected override ContainerDefinition Definition => PlatformDefinitions.Claims;

    protected override OpenCheckouts NewDocument() => Documents.OpenCheckouts(Documents.UniqueId("viewer"));

    /// <summary>The buyer's open checkouts of other markets.</summary>
    protected override IReadOnlyList<OpenCheckouts> NewPartitionMates(OpenCheckouts document, int count) =>
        Enumerable.Range(0, count).Select(_ => Documents.OpenCheckouts(document.BuyerId, Documents.UniqueId("open"))).ToList();

    protected override OpenCheckouts Changed(OpenCheckouts document, int variant) =>
        document with
        {
            Entries = new Dictionary<string, OpenCheckout>(document.Entries)
            {
                [$"chk_v{variant}"] = new(new Dictionary<string, long> { ["prd_1/sku-1"] = variant }, Documents.Created.AddMinutes(variant)),
            },
        };
}

using LiveShop.Core.Payments;
using LiveShop.Core.Storage;

namespace LiveShop.StorageContractTests.Contracts;

/// <summary>
/// The <see cref="IPaymentEventStore"/> contract: provider events already handled, partitioned by their own id and
/// kept for the container's time to live (the record has none of its own).
/// </summary>
public abstract class PaymentEventStoreContract : DocumentStoreContract<PaymentEventRecord>
{
    protected abstract IPaymentEventStore PaymentEventStore { get; }

    protected override IDocumentStore<PaymentEventRecord> Store => PaymentEventStore;

    protected override ContainerDefinition Definition => PlatformDefinitions.PaymentEvents;

    protected override PaymentEventRecord NewDocument() => Documents.PaymentEvent();

    protected override IReadOnlyList<PaymentEventRecord> NewPartitionMates(PaymentEventRecord document, int count) => [];

    protected override PaymentEventRecord Changed(PaymentEventRecord document, int variant) =>
        document with { Type = $"{document.Type}.v{variant}", ReceivedAt = document.ReceivedAt.AddSeconds(variant) };

    [Fact]
    public async Task StoredJson_HasNoTimeToLiveOfItsOwn_SoTheContainersThirtyDaysApply()
    {
        var handled = NewDocument();
        await Store.CreateAsync(handled, None);

        var json = await ReadStoredJsonAsync(handled);

        Assert.False(json.TryGetProperty("ttl", out _));
        Assert.Equal((int)TimeSpan.FromDays(30).TotalSeconds, Definition.DefaultTtlSeconds);
    }
}

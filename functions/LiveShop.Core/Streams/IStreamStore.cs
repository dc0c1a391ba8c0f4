using LiveShop.Core.Storage;

namespace LiveShop.Core.Streams;

/// <summary>Live streams, partitioned by their own id: every read is a point read.</summary>
public interface IStreamStore : IDocumentStore<LiveStream>
{
    /// <summary>The merchant's streams that pin the product now (a product being archived is unpinned from them).</summary>
    Task<IReadOnlyList<Versioned<LiveStream>>> FindPinningAsync(string merchantId, string productId, CancellationToken cancellationToken);
}

using LiveShop.Core.Storage;

namespace LiveShop.Core.Streams;

/// <summary>Live streams, partitioned by their own id: every read is a point read.</summary>
public interface IStreamStore : IDocumentStore<LiveStream>;

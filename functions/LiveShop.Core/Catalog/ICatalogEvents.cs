using LiveShop.Core.Streams;

namespace LiveShop.Core.Catalog;

/// <summary>Told after a product or stream has been written, so caches and (later) broadcasts follow.</summary>
public interface ICatalogEvents
{
    Task ProductChangedAsync(Product product, CancellationToken cancellationToken);

    Task StreamChangedAsync(LiveStream stream, CancellationToken cancellationToken);
}

/// <summary>Told after a product was archived, so the streams pinning it unpin it.</summary>
public interface IArchivedProducts
{
    Task ProductArchivedAsync(Product product, CancellationToken cancellationToken);
}

using LiveShop.Core.Storage;

namespace LiveShop.Core.Carts;

/// <summary>Carts, partitioned by owner; id is the market code.</summary>
public interface ICartStore : IDocumentStore<Cart>;

using LiveShop.Core.Storage;

namespace LiveShop.Core.Sales;

/// <summary>Buyers' flash-sale claims, partitioned by buyer.</summary>
public interface ISaleClaimStore : IDocumentStore<SaleClaim>;

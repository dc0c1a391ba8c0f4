using LiveShop.Core.Errors;
using LiveShop.Core.Identity;
using LiveShop.Core.Storage;
using LiveShop.Core.Validation;

namespace LiveShop.Core.Catalog;

/// <summary>Merchants create, replace and archive their products; anyone reads them.</summary>
public sealed class CatalogService(IProductStore products, ICatalogEvents events, IArchivedProducts archived, ServedMarkets markets, TimeProvider clock)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public async Task<Versioned<Product>> CreateAsync(Caller caller, string merchantId, ProductInput? input, CancellationToken ct)
    {
        Authorize.MerchantOwns(caller, merchantId);
        var valid = ProductRules.Validate(input);
        markets.EnsureServed(valid.Market);

        var now = clock.GetUtcNow();
        var product = new Product(
            Ids.New("prd", clock), merchantId, valid.Market.Code, valid.Title, valid.Description,
            valid.ImageUrls, valid.Skus, ProductStatus.Active, now, now);
        var etag = await products.CreateAsync(product, ct);
        await events.ProductChangedAsync(product, ct);
        return new(product, etag);
    }

    /// <summary>Replaces the editable fields; the caller must send the ETag it read (If-Match).</summary>
    public async Task<Versioned<Product>> ReplaceAsync(
        Caller caller, string merchantId, string productId, ProductInput? input, string? ifMatch, CancellationToken ct)
    {
        Authorize.MerchantOwns(caller, merchantId);
        if (string.IsNullOrEmpty(ifMatch))
        {
            throw LiveShopException.PreconditionRequired("Send If-Match with the ETag of the product you read, so a concurrent change is not overwritten.");
        }

        var valid = ProductRules.Validate(input);
        return await UpdateAsync(merchantId, productId, ifMatch, current =>
        {
            if (current.IsArchived)
            {
                throw LiveShopException.Conflict("Product archived", $"Product '{productId}' is archived and cannot be changed.");
            }

            if (valid.Market.Code != current.Market)
            {
                throw LiveShopException.Unprocessable("Market cannot change", $"Product '{productId}' belongs to market '{current.Market}'; create a new product for market '{valid.Market.Code}'.");
            }

            return current with
            {
                Title = valid.Title,
                Description = valid.Description,
                ImageUrls = valid.ImageUrls,
                Skus = valid.Skus,
                UpdatedAt = clock.GetUtcNow(),
            };
        }, ct);
    }

    /// <summary>
    /// Archives the product (it stays readable, leaves listings and cannot be sold) and unpins it from any stream.
    /// Repeating it is harmless (and finishes an unpin a failed first call left undone).
    /// </summary>
    public async Task<Versioned<Product>> ArchiveAsync(Caller caller, string merchantId, string productId, string? ifMatch, CancellationToken ct)
    {
        Authorize.MerchantOwns(caller, merchantId);
        var stored = await UpdateAsync(merchantId, productId, ifMatch, current =>
            current.IsArchived ? null : current with { Status = ProductStatus.Archived, UpdatedAt = clock.GetUtcNow() }, ct);
        await archived.ProductArchivedAsync(stored.Value, ct);
        return stored;
    }

    public async Task<Versioned<Product>> GetAsync(string merchantId, string productId, CancellationToken ct)
    {
        Identifiers.EnsureRouteId("Merchant", merchantId);
        Identifiers.EnsureRouteId("Product", productId);
        return await products.ReadAsync(merchantId, productId, ct)
            ?? throw LiveShopException.NotFound("Product", productId);
    }

    /// <summary>A page of a merchant's products; archived ones only for the merchant itself, when asked.</summary>
    public async Task<ProductPageView> ListAsync(
        Caller? caller, string merchantId, bool includeArchived, int? pageSize, string? continuationToken, CancellationToken ct)
    {
        Identifiers.EnsureRouteId("Merchant", merchantId);
        if (pageSize is < 1 or > MaxPageSize)
        {
            throw LiveShopException.Validation(new Dictionary<string, string[]>
            {
                ["pageSize"] = [$"must be between 1 and {MaxPageSize} (it is {pageSize})."],
            });
        }

        if (includeArchived)
        {
            if (caller is null)
            {
                throw LiveShopException.Unauthenticated("includeArchived=true needs the merchant's bearer token.");
            }

            Authorize.MerchantOwns(caller, merchantId);
        }

        var after = ContinuationToken.Decode(continuationToken);
        var page = await products.ListByMerchantAsync(merchantId, includeArchived, after, pageSize ?? DefaultPageSize, ct);
        return new ProductPageView(page.Items.Select(ProductView.From).ToList(), ContinuationToken.Encode(page.NextAfter));
    }

    private Task<Versioned<Product>> UpdateAsync(
        string merchantId, string productId, string? ifMatch, Func<Product, Product?> change, CancellationToken ct)
    {
        Identifiers.EnsureRouteId("Merchant", merchantId);
        Identifiers.EnsureRouteId("Product", productId);
        return products.UpdateAsync(events, merchantId, productId, ifMatch, change, () => LiveShopException.NotFound("Product", productId), ct);
    }
}

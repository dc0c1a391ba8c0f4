using LiveShop.Core.Catalog;
using LiveShop.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace LiveShop.Functions.Catalog;

/// <summary>The catalog API: merchants manage their products, anyone reads them.</summary>
public sealed class ProductFunctions(HttpEndpoint endpoint, CatalogService catalog)
{
    [Function(nameof(CreateProduct))]
    [ApiOperation(
        "Create a product", Access = ApiAccess.Bearer, Request = typeof(ProductInput), Response = typeof(ProductView),
        Status = 201, ETag = true, Problems = [409, 422],
        Description = "That merchant only. Answers 201 with Location and the product's ETag.")]
    public Task<IResult> CreateProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.MerchantProducts)] HttpRequest request,
        string merchantId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var caller = await api.CallerAsync();
            var created = await catalog.CreateAsync(caller, merchantId, await api.BodyAsync<ProductInput>(ct), ct);
            return api.Created(created.Value.Id, ProductView.From(created.Value), created.ETag);
        });

    [Function(nameof(ReplaceProduct))]
    [ApiOperation(
        "Replace a product", Access = ApiAccess.Bearer, Request = typeof(ProductInput), Response = typeof(ProductView),
        IfMatch = IfMatchUse.Required, ETag = true, Problems = [409, 422],
        Description = "That merchant only: title, description, images and SKUs. If-Match (the product's ETag) is required.")]
    public Task<IResult> ReplaceProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.MerchantProduct)] HttpRequest request,
        string merchantId,
        string productId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var caller = await api.CallerAsync();
            var body = await api.BodyAsync<ProductInput>(ct);
            var updated = await catalog.ReplaceAsync(caller, merchantId, productId, body, api.IfMatch, ct);
            return api.Ok(ProductView.From(updated.Value), updated.ETag);
        });

    [Function(nameof(ArchiveProduct))]
    [ApiOperation(
        "Archive a product", Access = ApiAccess.Bearer, Response = typeof(ProductView), IfMatch = IfMatchUse.Optional,
        ETag = true, Description = "That merchant only; idempotent. Unpins it from streams pinning it.")]
    public Task<IResult> ArchiveProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.MerchantProductArchive)] HttpRequest request,
        string merchantId,
        string productId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var caller = await api.CallerAsync();
            var archived = await catalog.ArchiveAsync(caller, merchantId, productId, api.IfMatch, ct);
            return api.Ok(ProductView.From(archived.Value), archived.ETag);
        });

    [Function(nameof(GetProduct))]
    [ApiOperation("Read a product", Response = typeof(ProductView), ETag = true)]
    public Task<IResult> GetProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.MerchantProduct)] HttpRequest request,
        string merchantId,
        string productId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var product = await catalog.GetAsync(merchantId, productId, ct);
            return api.Ok(ProductView.From(product.Value), product.ETag);
        });

    [Function(nameof(ListProducts))]
    [ApiOperation(
        "List a merchant's products", Access = ApiAccess.OptionalBearer, Response = typeof(ProductPageView),
        Query = ["pageSize:integer", "continuationToken:string", "includeArchived:boolean"],
        Description = "Newest first, keyset-paged. Archived products only for that merchant's own token.")]
    public Task<IResult> ListProducts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.MerchantProducts)] HttpRequest request,
        string merchantId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var includeArchived = api.QueryBool("includeArchived");
            var caller = includeArchived ? await api.OptionalCallerAsync() : null;
            var page = await catalog.ListAsync(
                caller, merchantId, includeArchived, api.QueryInt("pageSize"), request.Query["continuationToken"].ToString(), ct);
            return TypedResults.Json(page, ApiJson.Options);
        });
}

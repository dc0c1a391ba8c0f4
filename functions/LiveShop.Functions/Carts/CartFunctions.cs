using LiveShop.Core.Carts;
using LiveShop.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace LiveShop.Functions.Carts;

/// <summary>
/// The cart API. A signed-in viewer is known by its bearer token; a guest by the X-Guest-Token header carrying a token
/// from POST /api/guests. Routes name no owner: a shopper can only ever reach its own cart.
/// </summary>
public sealed class CartFunctions(HttpEndpoint endpoint, CartService carts)
{
    [Function(nameof(CreateGuest))]
    [ApiOperation(
        "A guest token", Response = typeof(GuestView),
        Description = "For the X-Guest-Token header of the cart routes; writes nothing.")]
    public Task<IResult> CreateGuest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Guests)] HttpRequest request) =>
        endpoint.RunAsync(request, (api, ct) =>
        {
            api.NoStore();
            return Task.FromResult<IResult>(TypedResults.Json(new GuestView(CartOwner.NewGuestToken(), ApiRequest.GuestTokenHeader), ApiJson.Options));
        });

    [Function(nameof(GetCart))]
    [ApiOperation(
        "The cart, priced now", Access = ApiAccess.Shopper, Response = typeof(CartView), ETag = true,
        Description = "Lines, availability, flash-sale info and totals in the market's currency.")]
    public Task<IResult> GetCart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Cart)] HttpRequest request,
        string market) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var view = await carts.GetAsync(await api.ShopperAsync(), market, ct);
            api.NoStore();
            return view.Version is null ? TypedResults.Json(view, ApiJson.Options) : api.Ok(view, view.Version);
        });

    [Function(nameof(AddCartLine))]
    [ApiOperation(
        "Add units to the cart", Access = ApiAccess.Shopper, Request = typeof(AddCartLineInput),
        Response = typeof(CartChangeView), IfMatch = IfMatchUse.Optional, ETag = true, Problems = [409, 422],
        Description = "To the SKU's line if there is one; a streamId makes the line the stream's (its flash sale applies).")]
    public Task<IResult> AddCartLine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.CartLines)] HttpRequest request,
        string market) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var owner = await api.ShopperAsync();
            var change = await carts.AddAsync(owner, market, await api.BodyAsync<AddCartLineInput>(ct), api.IfMatch, ct);
            return api.Ok(change.View(), change.Stored.ETag);
        });

    [Function(nameof(SetCartLineQuantity))]
    [ApiOperation(
        "Set a line's quantity", Access = ApiAccess.Shopper, Request = typeof(CartQuantityInput),
        Response = typeof(CartChangeView), IfMatch = IfMatchUse.Optional, ETag = true, Problems = [409, 422])]
    public Task<IResult> SetCartLineQuantity(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.CartLine)] HttpRequest request,
        string market,
        string lineId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var owner = await api.ShopperAsync();
            var change = await carts.SetQuantityAsync(owner, market, lineId, await api.BodyAsync<CartQuantityInput>(ct), api.IfMatch, ct);
            return api.Ok(change.View(), change.Stored.ETag);
        });

    [Function(nameof(RemoveCartLine))]
    [ApiOperation(
        "Remove a line", Access = ApiAccess.Shopper, Response = typeof(CartChangeView), IfMatch = IfMatchUse.Optional,
        ETag = true)]
    public Task<IResult> RemoveCartLine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.CartLine)] HttpRequest request,
        string market,
        string lineId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var change = await carts.RemoveAsync(await api.ShopperAsync(), market, lineId, api.IfMatch, ct);
            return api.Ok(change.View(), change.Stored.ETag);
        });

    [Function(nameof(ClearCart))]
    [ApiOperation(
        "Clear the cart", Access = ApiAccess.Shopper, Response = typeof(CartChangeView), IfMatch = IfMatchUse.Optional,
        ETag = true)]
    public Task<IResult> ClearCart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.Cart)] HttpRequest request,
        string market) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var change = await carts.ClearAsync(await api.ShopperAsync(), market, api.IfMatch, ct);
            var view = change.View();
            return view.Version is null ? TypedResults.Json(view, ApiJson.Options) : api.Ok(view, view.Version);
        });

    /// <summary>Signs a guest in: needs both the viewer's bearer token and the guest's X-Guest-Token.</summary>
    [Function(nameof(MergeGuestCart))]
    [ApiOperation(
        "Merge a guest cart into the viewer's", Access = ApiAccess.BearerAndGuest, Response = typeof(CartView), ETag = true,
        Problems = [422], Description = "Exactly once, even when retried; limits still hold.")]
    public Task<IResult> MergeGuestCart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.CartMerge)] HttpRequest request,
        string market) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var viewer = CartOwner.For(await api.CallerAsync());
            var view = await carts.MergeAsync(viewer, api.GuestOwner(required: true)!, market, ct);
            api.NoStore();
            return view.Version is null ? TypedResults.Json(view, ApiJson.Options) : api.Ok(view, view.Version);
        });
}

/// <summary>A new guest identity: send <paramref name="GuestToken"/> in the <paramref name="Header"/> header.</summary>
public sealed record GuestView(string GuestToken, string Header);

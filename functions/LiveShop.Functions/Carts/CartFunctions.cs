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
    public Task<IResult> CreateGuest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Guests)] HttpRequest request) =>
        endpoint.RunAsync(request, (api, ct) =>
        {
            api.NoStore();
            return Task.FromResult<IResult>(TypedResults.Json(new GuestView(CartOwner.NewGuestToken(), ApiRequest.GuestTokenHeader), ApiJson.Options));
        });

    [Function(nameof(GetCart))]
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

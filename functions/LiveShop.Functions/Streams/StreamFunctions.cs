using LiveShop.Core.Sales;
using LiveShop.Core.Streams;
using LiveShop.Functions.Caching;
using LiveShop.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace LiveShop.Functions.Streams;

/// <summary>The live-stream API: merchants run streams and their showcase; viewers read a stream with its showcase.</summary>
public sealed class StreamFunctions(HttpEndpoint endpoint, StreamService streams, FlashSaleService sales, StreamViewCache views)
{
    [Function(nameof(CreateStream))]
    [ApiOperation(
        "Schedule a stream", Access = ApiAccess.Bearer, Request = typeof(StreamInput), Response = typeof(LiveStream),
        Status = 201, ETag = true, Problems = [409, 422],
        Description = "A merchant schedules a stream in one of its markets.")]
    public Task<IResult> CreateStream(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Streams)] HttpRequest request) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var caller = await api.CallerAsync();
            var created = await streams.CreateAsync(caller, await api.BodyAsync<StreamInput>(ct), ct);
            return api.Created(created.Value.Id, created.Value, created.ETag);
        });

    [Function(nameof(StartStream))]
    [ApiOperation(
        "Go live", Access = ApiAccess.Bearer, Response = typeof(LiveStream), IfMatch = IfMatchUse.Optional, ETag = true,
        Problems = [409], Description = "The stream's merchant only. Viewers get a streamState message.")]
    public Task<IResult> StartStream(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.StreamStart)] HttpRequest request,
        string streamId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var started = await streams.StartAsync(await api.CallerAsync(), streamId, api.IfMatch, ct);
            return api.Ok(started.Value, started.ETag);
        });

    [Function(nameof(EndStream))]
    [ApiOperation(
        "End the stream", Access = ApiAccess.Bearer, Response = typeof(LiveStream), IfMatch = IfMatchUse.Optional,
        ETag = true, Problems = [409],
        Description = "The stream's merchant only; an ended stream cannot start again. Unpins the pinned product and ends the stream's flash sales.")]
    public Task<IResult> EndStream(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.StreamEnd)] HttpRequest request,
        string streamId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var ended = await sales.EndStreamAsync(await api.CallerAsync(), streamId, api.IfMatch, ct);
            return api.Ok(ended.Value, ended.ETag);
        });

    [Function(nameof(AddToShowcase))]
    [ApiOperation(
        "Add a product to the showcase", Access = ApiAccess.Bearer, Request = typeof(ShowcaseAddInput),
        Response = typeof(LiveStream), IfMatch = IfMatchUse.Optional, ETag = true, Problems = [409, 422])]
    public Task<IResult> AddToShowcase(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.StreamShowcase)] HttpRequest request,
        string streamId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var caller = await api.CallerAsync();
            var updated = await streams.AddToShowcaseAsync(caller, streamId, await api.BodyAsync<ShowcaseAddInput>(ct), api.IfMatch, ct);
            return api.Ok(updated.Value, updated.ETag);
        });

    [Function(nameof(ReplaceShowcase))]
    [ApiOperation(
        "Set the whole showcase", Access = ApiAccess.Bearer, Request = typeof(ShowcaseInput), Response = typeof(LiveStream),
        IfMatch = IfMatchUse.Required, ETag = true, Problems = [409, 422],
        Description = "The ordered product ids (at most 100). If-Match (the stream's version) is required.")]
    public Task<IResult> ReplaceShowcase(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.StreamShowcase)] HttpRequest request,
        string streamId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var caller = await api.CallerAsync();
            var updated = await streams.ReplaceShowcaseAsync(caller, streamId, await api.BodyAsync<ShowcaseInput>(ct), api.IfMatch, ct);
            return api.Ok(updated.Value, updated.ETag);
        });

    [Function(nameof(RemoveFromShowcase))]
    [ApiOperation(
        "Remove a product from the showcase", Access = ApiAccess.Bearer, Response = typeof(LiveStream),
        IfMatch = IfMatchUse.Optional, ETag = true, Problems = [409], Description = "Unpins it if it is pinned.")]
    public Task<IResult> RemoveFromShowcase(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.StreamShowcaseProduct)] HttpRequest request,
        string streamId,
        string productId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var updated = await streams.RemoveFromShowcaseAsync(await api.CallerAsync(), streamId, productId, api.IfMatch, ct);
            return api.Ok(updated.Value, updated.ETag);
        });

    /// <summary>Pins a product of the showcase (replacing the pin); its viewers get the pin card at once.</summary>
    [Function(nameof(PinProduct))]
    [ApiOperation(
        "Pin a showcase product", Access = ApiAccess.Bearer, Request = typeof(PinInput), Response = typeof(LiveStream),
        IfMatch = IfMatchUse.Optional, ETag = true, Problems = [409, 422],
        Description = "The stream's merchant, while the stream is live; replaces the pin. Every viewer gets the pinned message.")]
    public Task<IResult> PinProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.StreamPin)] HttpRequest request,
        string streamId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var caller = await api.CallerAsync();
            var pinned = await streams.PinAsync(caller, streamId, await api.BodyAsync<PinInput>(ct), api.IfMatch, ct);
            return api.Ok(pinned.Value, pinned.ETag);
        });

    [Function(nameof(UnpinProduct))]
    [ApiOperation(
        "Unpin", Access = ApiAccess.Bearer, Response = typeof(LiveStream), IfMatch = IfMatchUse.Optional, ETag = true,
        Problems = [409], Description = "Nothing pinned: 200, no change. Viewers get the unpinned message.")]
    public Task<IResult> UnpinProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.StreamPin)] HttpRequest request,
        string streamId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var unpinned = await streams.UnpinAsync(await api.CallerAsync(), streamId, api.IfMatch, ct);
            return api.Ok(unpinned.Value, unpinned.ETag);
        });

    /// <summary>The hot path: the stream with its showcase, cached briefly, with ETag / If-None-Match.</summary>
    [Function(nameof(GetStream))]
    [ApiOperation(
        "Read a stream with its showcase and pin", Response = typeof(StreamView), ETag = true, IfNoneMatch = true,
        Description = "The hot path: cached briefly; send If-None-Match with the ETag for a 304.")]
    public Task<IResult> GetStream(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Stream)] HttpRequest request,
        string streamId) =>
        endpoint.RunAsync(request, async (api, ct) =>
        {
            var view = await views.GetAsync(streamId, streams.GetViewAsync, ct);
            request.HttpContext.Response.Headers.ETag = view.ETag;
            request.HttpContext.Response.Headers.CacheControl = "public, max-age=1";
            return api.IfNoneMatch(view.ETag)
                ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
                : TypedResults.Bytes(view.Json, "application/json; charset=utf-8");
        });
}

using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using LiveShop.Core.Carts;
using LiveShop.Core.Checkout;
using LiveShop.Core.Orders;
using LiveShop.Core.Configuration;
using LiveShop.Core.Identity;
using LiveShop.Core.Streams;
using LiveShop.Functions.Carts;
using LiveShop.Functions.Http;
using LiveShop.LocalRunner;
using Microsoft.Extensions.DependencyInjection;

namespace LiveShop.EndToEndTests;

/// <summary>
/// Every mutating endpoint against every kind of caller. Merchant endpoints: only the owning merchant succeeds.
/// Cart endpoints: only a shopper (viewer or guest) gets in, each only ever reaches its own cart, and no one else's
/// request changes the owner's cart. Checkout and order endpoints: only a signed-in viewer gets in, and only to its
/// own checkouts and orders (another viewer's are not found). A refused request writes nothing to storage. The reads
/// that need a caller (checkouts and orders) are checked the same way, and the payment webhook by its signature.
/// </summary>
[Collection(RunnerCollection.Name)]
public sealed partial class AuthorizationMatrixTests(RunnerFixture runner)
{
    /// <summary>The market of the carts in the cart cases.</summary>
    private const string CartMarket = "uk";

    /// <summary>Who may make a call: the merchant that owns the resource, the shopper whose cart it is, or the viewer whose checkout or order it is.</summary>
    public enum Access
    {
        Merchant,
        Shopper,

        /// <summary>A signed-in viewer only (bearer token; a guest token is no identity here).</summary>
        Viewer,
    }

    /// <summary>A prepared request against resources of <paramref name="Owner"/> (a merchant id, or a viewer id for cart calls).</summary>
    public sealed record PreparedCall(HttpMethod Method, string Route, object? Body, string? IfMatch, HttpStatusCode Success, string Owner)
    {
        public Access Access { get; init; } = Access.Merchant;

        /// <summary>Cart calls: the owner as it makes the call (for a merge: the viewer's bearer token and its guest token).</summary>
        public Shopper? OwnerShopper { get; init; }

        /// <summary>A merge: the guest token of the cart the owner merges (every non-owner caller sends it along, but never gets in).</summary>
        public string? MergeGuestToken { get; init; }

        /// <summary>Cart calls: the carts (read as their owner) that no one but the owner may change, version included.</summary>
        public IReadOnlyList<Shopper> Watched { get; init; } = [];

        /// <summary>Cart calls: what the same request answers from another viewer, which acts on its own cart.</summary>
        public HttpStatusCode OtherViewer { get; init; }

        /// <summary>Cart calls: what the same request answers from another guest, which acts on its own cart.</summary>
        public HttpStatusCode OtherGuest { get; init; }

        /// <summary>Headers the request needs besides its credentials (e.g. Idempotency-Key).</summary>
        public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

        /// <summary>The owner's state that no one but the owner may change (read from the stores), if any.</summary>
        public Func<Task<string>>? Watch { get; init; }

        /// <summary>Runs after the call: ends what the case left running (a checkout), so no later test sees its writes.</summary>
        public Func<Task>? Settle { get; init; }
    }

    /// <summary>The mutating functions that answer to merchants.</summary>
    private static readonly Dictionary<string, Func<RunnerFixture, Task<PreparedCall>>> MerchantCases = new()
    {
        ["CreateProduct"] = async r =>
        {
            var owner = RunnerFixture.NewMerchantId();
            return await Task.FromResult(new PreparedCall(HttpMethod.Post, Routes.Format(Routes.MerchantProducts, owner), Inputs.Product(), null, HttpStatusCode.Created, owner));
        },
        ["ReplaceProduct"] = async r =>
        {
            var owner = RunnerFixture.NewMerchantId();
            var (id, etag) = await r.CreateProductAsync(owner);
            return new PreparedCall(HttpMethod.Put, Routes.Format(Routes.MerchantProduct, owner, id), Inputs.Product(title: "Renamed"), etag, HttpStatusCode.OK, owner);
        },
        ["ArchiveProduct"] = async r =>
        {
            var owner = RunnerFixture.NewMerchantId();
            var (id, _) = await r.CreateProductAsync(owner);
            return new PreparedCall(HttpMethod.Post, Routes.Format(Routes.MerchantProductArchive, owner, id), null, null, HttpStatusCode.OK, owner);
        },
        ["CreateStream"] = async r =>
        {
            var owner = RunnerFixture.NewMerchantId();
            return await Task.FromResult(new PreparedCall(HttpMethod.Post, Routes.Streams, Inputs.Stream(), null, HttpStatusCode.Created, owner));
        },
        ["StartStream"] = async r =>
        {
            var owner = RunnerFixture.NewMerchantId();
            var (id, _) = await r.CreateStreamAsync(owner);
            return new PreparedCall(HttpMethod.Post, Routes.Format(Routes.StreamStart, id), null, null, HttpStatusCode.OK, owner);
        },
        ["EndStream"] = async r =>
        {
            var owner = RunnerFixture.NewMerchantId();
            var (id, _) = await r.CreateStreamAsync(owner);
            return new PreparedCall(HttpMethod.Post, Routes.Format(Routes.StreamEnd, id), null, null, HttpStatusCode.OK, owner);
        },
        ["AddToShowcase"] = async r =>
        {
            var owner = RunnerFixture.NewMerchantId();
            var (stream, _) = await r.CreateStreamAsync(owner);
            var (product, _) = await r.CreateProductAsync(owner);
            return new PreparedCall(HttpMethod.Post, Routes.Format(Routes.StreamShowcase, stream), new ShowcaseAddInput(product, null), null, HttpStatusCode.OK, owner);
        },
        ["ReplaceShowcase"] = async r =>
        {
            var owner = RunnerFixture.NewMerchantId();
            var (stream, etag) = await r.CreateStreamAsync(owner);
            var (product, _) = await r.CreateProductAsync(owner);
            return new PreparedCall(HttpMethod.Put, Routes.Format(Routes.StreamShowcase, stream), new ShowcaseInput([product]), etag, HttpStatusCode.OK, owner);
        },
        ["RemoveFromShowcase"] = async r =>
        {
            var owner = RunnerFixture.NewMerchantId();
            var (stream, etag) = await r.CreateStreamAsync(owner);
            var (product, _) = await r.CreateProductAsync(owner);
            using var added = await r.SendAsync(HttpMethod.Put, Routes.Format(Routes.StreamShowcase, stream), r.MerchantToken(owner), new ShowcaseInput([product]), etag);
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
            return new PreparedCall(HttpMethod.Delete, Routes.Format(Routes.StreamShowcaseProduct, stream, product), null, null, HttpStatusCode.OK, owner);
        },
        ["PinProduct"] = async r =>
        {
            var owner = RunnerFixture.NewMerchantId();
            var (stream, product) = await r.CreateLiveStreamWithProductAsync(owner);
            return new PreparedCall(HttpMethod.Post, Routes.Format(Routes.StreamPin, stream), new PinInput(product, null), null, HttpStatusCode.OK, owner)
            {
                Watch = async () => (await r.Streams.ReadAsync(stream, stream, CancellationToken.None))!.ETag,
            };
        },
        ["UnpinProduct"] = async r =>
        {
            var owner = RunnerFixture.NewMerchantId();
            var (stream, product) = await r.CreateLiveStreamWithProductAsync(owner);
            using var pinned = await r.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamPin, stream), r.MerchantToken(owner), new PinInput(product, null));
            Assert.Equal(HttpStatusCode.OK, pinned.StatusCode);
            return new PreparedCall(HttpMethod.Delete, Routes.Format(Routes.StreamPin, stream), null, null, HttpStatusCode.OK, owner)
            {
                Watch = async () => (await r.Streams.ReadAsync(stream, stream, CancellationToken.None))!.ETag,
            };
        },
        ["CreateFlashSale"] = async r =>
        {
            var owner = RunnerFixture.NewMerchantId();
            var (stream, product) = await r.CreateLiveStreamWithProductAsync(owner);
            return new PreparedCall(HttpMethod.Post, Routes.Format(Routes.StreamSales, stream), Inputs.FlashSale(product, r.Clock.GetUtcNow()), null, HttpStatusCode.Created, owner);
        },
        ["CancelFlashSale"] = async r =>
        {
            var owner = RunnerFixture.NewMerchantId();
            var (stream, product) = await r.CreateLiveStreamWithProductAsync(owner);
            var sale = await r.CreateFlashSaleAsync(owner, stream, Inputs.FlashSale(product, r.Clock.GetUtcNow()));
            return new PreparedCall(HttpMethod.Post, Routes.Format(Routes.MerchantProductSaleCancel, owner, product, sale.Id), null, null, HttpStatusCode.OK, owner);
        },
        ["RefundOrder"] = async r =>
        {
            var owner = RunnerFixture.NewMerchantId();
            var paid = await r.PaidOrderAsync(owner);
            return new PreparedCall(HttpMethod.Post, Routes.Format(Routes.MerchantOrderRefunds, owner, paid.OrderId), new RefundInput(null, true), null, HttpStatusCode.OK, owner)
            {
                Headers = new Dictionary<string, string> { ["Idempotency-Key"] = "refund-1" },
                Watch = () => OrderStateAsync(r, paid),
            };
        },
    };

    /// <summary>The checkout and order functions: a viewer starts a checkout, and cancels its order while it waits for 3-D Secure.</summary>
    private static readonly Dictionary<string, Func<RunnerFixture, Task<PreparedCall>>> ViewerCases = new()
    {
        ["StartCheckout"] = async r =>
        {
            var merchant = RunnerFixture.NewMerchantId();
            var (product, _) = await r.CreateProductAsync(merchant);
            var owner = RunnerFixture.NewViewerId();
            const string key = "checkout-1";
            return new PreparedCall(HttpMethod.Post, Routes.Checkouts, CheckoutDriver.BuyNow(merchant, product), null, HttpStatusCode.Accepted, owner)
            {
                Access = Access.Viewer,
                OwnerShopper = Shopper.Viewer(r.ViewerToken(owner)),
                Headers = new Dictionary<string, string> { ["Idempotency-Key"] = key },

                // Another viewer's same request starts its own checkout (its id comes from its own identity and the key).
                OtherViewer = HttpStatusCode.Accepted,
                Watch = async () => (await r.Checkouts.ReadAsync(owner, CheckoutService.IdFor(owner, key), CancellationToken.None))?.ETag ?? "no checkout",
                Settle = () => WaitForCheckoutsAsync(r),
            };
        },
        ["CancelMyOrder"] = async r =>
        {
            var awaiting = await r.AwaitingOrderAsync();
            return new PreparedCall(HttpMethod.Post, Routes.Format(Routes.OrderCancel, awaiting.OrderId), null, null, HttpStatusCode.Accepted, awaiting.ViewerId)
            {
                Access = Access.Viewer,
                OwnerShopper = Shopper.Viewer(awaiting.Token),
                OtherViewer = HttpStatusCode.NotFound,
                Watch = () => OrderStateAsync(r, awaiting),
                Settle = async () =>
                {
                    await r.FinishAsync(awaiting);
                    await WaitForCheckoutsAsync(r);
                },
            };
        },
    };

    /// <summary>
    /// The cart functions that act on one cart of the caller, prepared for an owner (a viewer or a guest) whose cart
    /// already holds a line. Another shopper's same request reaches only its own cart: adding and clearing work on it,
    /// and a line of the owner's cart is not in it (404).
    /// </summary>
    private static readonly Dictionary<string, Func<RunnerFixture, CartOwnerParty, Task<PreparedCall>>> CartCases = new()
    {
        ["AddCartLine"] = async (r, owner) =>
        {
            var (merchant, product, _) = await CartWithOneLineAsync(r, owner.Shopper);
            return CartCall(HttpMethod.Post, Routes.Format(Routes.CartLines, CartMarket), Inputs.CartLine(merchant, product, "shirt-m"), owner, HttpStatusCode.OK, HttpStatusCode.OK);
        },
        ["SetCartLineQuantity"] = async (r, owner) =>
        {
            var (_, _, line) = await CartWithOneLineAsync(r, owner.Shopper);
            return CartCall(HttpMethod.Put, Routes.Format(Routes.CartLine, CartMarket, line), new CartQuantityInput(3), owner, HttpStatusCode.NotFound, HttpStatusCode.NotFound);
        },
        ["RemoveCartLine"] = async (r, owner) =>
        {
            var (_, _, line) = await CartWithOneLineAsync(r, owner.Shopper);
            return CartCall(HttpMethod.Delete, Routes.Format(Routes.CartLine, CartMarket, line), null, owner, HttpStatusCode.NotFound, HttpStatusCode.NotFound);
        },
        ["ClearCart"] = async (r, owner) =>
        {
            await CartWithOneLineAsync(r, owner.Shopper);
            return CartCall(HttpMethod.Delete, Routes.Format(Routes.Cart, CartMarket), null, owner, HttpStatusCode.OK, HttpStatusCode.OK);
        },
    };

    /// <summary>Every mutating function in the matrix: merchant functions, cart functions owned by a viewer, and the merge.</summary>
    private static readonly Dictionary<string, Func<RunnerFixture, Task<PreparedCall>>> Cases = BuildCases();

    /// <summary>
    /// Mutating functions outside the matrix, each with why, and the check that stands in for its matrix rows.
    /// </summary>
    private static readonly Dictionary<string, (string Why, Func<RunnerFixture, Task> Check)> OutsideMatrix = new()
    {
        ["CreateGuest"] = (
            "Anonymous by design: it hands a new guest identity to anyone and stores nothing, so there is no owner and nothing to refuse.",
            CreateGuest_AnonymousCaller_GetsWellFormedTokenAndNothingIsWritten),
        ["PaymentWebhook"] = (
            "Called by the payment provider, which authenticates by the Stripe-Signature of the exact body (HMAC with the webhook secret, within 300 s), not by a bearer token.",
            PaymentWebhook_OnlyAFreshValidSignatureGetsIn_AndAnEventIsHandledOnce),
        ["Negotiate"] = (
            "Anonymous viewers are welcome (they get an anonymous id); a token, when sent, only says whose connection it is. It stores nothing.",
            Negotiate_AnyCallerWithoutABadToken_GetsAccess_AndNothingIsWritten),
        ["LiveUpstream"] = (
            "Called by Azure SignalR Service, which authenticates by the X-ASRS-Signature of the connection id (HMAC with its access key), not by a bearer token.",
            LiveUpstream_OnlyTheServicesSignatureGetsIn),
        ["EventGridDelivery"] = (
            "Called by Event Grid, which authenticates by the secret delivery key in the URL (EventGrid:DeliveryKey), not by a bearer token.",
            EventGridDelivery_OnlyTheDeliveryKeyGetsIn),
    };

    public enum CallerKind
    {
        None,
        Garbage,
        Expired,
        ForeignKey,
        WrongAudience,

        /// <summary>An X-Guest-Token that is not a guest token at all.</summary>
        BadGuestToken,

        /// <summary>A viewer that is not the owner.</summary>
        Viewer,

        /// <summary>A guest that is not the owner (its own, valid, X-Guest-Token).</summary>
        OtherGuest,
        Ops,
        OtherMerchant,
        Owner,
    }

    public static TheoryData<string, CallerKind> Matrix()
    {
        var data = new TheoryData<string, CallerKind>();
        foreach (var function in Cases.Keys)
        {
            foreach (var kind in Enum.GetValues<CallerKind>())
            {
                data.Add(function, kind);
            }
        }

        return data;
    }

    /// <summary>The cart functions again, now for a guest's cart, against the callers that could reach a guest cart.</summary>
    public static TheoryData<string, CallerKind> GuestCartMatrix()
    {
        var data = new TheoryData<string, CallerKind>();
        foreach (var function in CartCases.Keys)
        {
            foreach (var kind in new[] { CallerKind.None, CallerKind.BadGuestToken, CallerKind.Viewer, CallerKind.OtherGuest, CallerKind.Ops, CallerKind.OtherMerchant, CallerKind.Owner })
            {
                data.Add(function, kind);
            }
        }

        return data;
    }

    public static TheoryData<string> FunctionsOutsideMatrix() => new(OutsideMatrix.Keys);

    [Fact]
    public void Matrix_CoversEveryMutatingFunction()
    {
        var mutating = FunctionsMetadata.HttpFunctions().Where(f => f.Methods.Any(m => m != "GET" && m != "HEAD")).Select(f => f.Name).Order();

        Assert.Empty(Cases.Keys.Intersect(OutsideMatrix.Keys));
        Assert.All(OutsideMatrix.Values, exemption => Assert.False(string.IsNullOrWhiteSpace(exemption.Why)));
        Assert.Equal(mutating, Cases.Keys.Concat(OutsideMatrix.Keys).Order());
    }

    [Theory]
    [MemberData(nameof(FunctionsOutsideMatrix))]
    public async Task FunctionOutsideMatrix_PassesItsOwnCheck(string function)
    {
        await OutsideMatrix[function].Check(runner);
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task MutatingEndpoint_ByCaller_OnlyOwnerSucceedsAndRefusalsWriteNothing(string function, CallerKind kind)
    {
        var call = await Cases[function](runner);

        await CallAndCheckAsync(function, call, kind);
    }

    [Theory]
    [MemberData(nameof(GuestCartMatrix))]
    public async Task CartEndpoint_GuestOwnedCart_OnlyThatGuestChangesIt(string function, CallerKind kind)
    {
        var call = await CartCases[function](runner, new CartOwnerParty("guest", await runner.NewGuestAsync()));

        await CallAndCheckAsync(function, call, kind);
    }

    [Fact]
    public async Task GetCart_ByEveryOtherCaller_NeverShowsTheOwnersCart()
    {
        var owner = runner.NewViewer();
        var guest = await runner.NewGuestAsync();
        var (_, _, line) = await CartWithOneLineAsync(runner, owner);
        await CartWithOneLineAsync(runner, guest);
        var route = Routes.Format(Routes.Cart, CartMarket);

        foreach (var other in new[] { runner.NewViewer(), await runner.NewGuestAsync() })
        {
            var view = await runner.GetCartAsync(other, CartMarket);
            Assert.Empty(view.Lines);
            Assert.Null(view.Version);
        }

        Assert.Equal([line], (await runner.GetCartAsync(owner, CartMarket)).Lines.Select(l => l.LineId));
        using var anonymous = await runner.SendAsync(HttpMethod.Get, route);
        using var merchant = await runner.SendAsync(HttpMethod.Get, route, runner.MerchantToken(RunnerFixture.NewMerchantId()));
        using var ops = await runner.SendAsync(HttpMethod.Get, route, runner.Tokens.Issue("ops-1", Role.Ops));
        using var badGuest = await runner.SendAsync(HttpMethod.Get, route, Shopper.Guest("gst_not-a-guest-token"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, merchant.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, ops.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, badGuest.StatusCode);
    }

    private async Task CallAndCheckAsync(string function, PreparedCall call, CallerKind kind)
    {
        var watchedBefore = await SnapshotAsync(call);
        var writesBefore = runner.Writes;

        using var request = RunnerFixture.Request(call.Method, call.Route, await CallerAsync(kind, call), call.Body, call.IfMatch);
        foreach (var (name, value) in call.Headers)
        {
            request.Headers.Add(name, value);
        }

        using var response = await runner.Client.SendAsync(request);

        var expected = Expected(function, call, kind);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{function} by {kind}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        if ((int)expected >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(writesBefore, runner.Writes);
        }
        else if (kind == CallerKind.Owner)
        {
            Assert.True(runner.Writes > writesBefore, "A successful mutation must write.");
        }

        if (kind != CallerKind.Owner)
        {
            Assert.Equal(watchedBefore, await SnapshotAsync(call));
        }

        if (call.Settle is not null)
        {
            await call.Settle();
        }
    }

    private static HttpStatusCode Expected(string function, PreparedCall call, CallerKind kind) => kind switch
    {
        CallerKind.Owner => call.Success,
        CallerKind.None or CallerKind.Garbage or CallerKind.Expired or CallerKind.ForeignKey or CallerKind.WrongAudience or CallerKind.BadGuestToken => HttpStatusCode.Unauthorized,
        CallerKind.Viewer when call.Access is Access.Shopper or Access.Viewer => call.OtherViewer,
        CallerKind.OtherGuest when call.Access == Access.Shopper => call.OtherGuest,

        // A guest token is no bearer token: merchant endpoints see an anonymous caller.
        CallerKind.OtherGuest => HttpStatusCode.Unauthorized,

        // Creating a stream acts for the caller's own merchant: another merchant simply creates its own.
        CallerKind.OtherMerchant when function == "CreateStream" => call.Success,
        _ => HttpStatusCode.Forbidden,
    };

    /// <summary>The credentials each kind of caller sends. Invalid tokens carry the owner's identity and role, so only their flaw refuses them.</summary>
    private async Task<Shopper> CallerAsync(CallerKind kind, PreparedCall call)
    {
        var configuration = runner.App.Configuration;
        var key = configuration[SettingNames.AuthDevSigningKey]!;
        var issuer = configuration[SettingNames.AuthIssuer]!;
        var audience = configuration[SettingNames.AuthAudience]!;
        var shopper = call.Access != Access.Merchant;
        var (subject, role, merchantId) = shopper ? (call.Owner, Role.Viewer, (string?)null) : ("u", Role.Merchant, call.Owner);

        // A merge names the guest cart it takes; every caller but another shopper brings the owner's guest token along.
        var guest = call.MergeGuestToken;
        return kind switch
        {
            CallerKind.None => new Shopper(null, guest),
            CallerKind.Garbage => new Shopper("not-a-jwt", guest),
            CallerKind.Expired => new Shopper(new DevTokens(key, issuer, audience, new ShiftedClock(TimeSpan.FromDays(-1))).Issue(subject, role, merchantId, TimeSpan.FromHours(1)), guest),
            CallerKind.ForeignKey => new Shopper(new DevTokens(Convert.ToBase64String(new byte[32]), issuer, audience, TimeProvider.System).Issue(subject, role, merchantId), guest),
            CallerKind.WrongAudience => new Shopper(new DevTokens(key, issuer, "someone-else", TimeProvider.System).Issue(subject, role, merchantId), guest),

            // For a merge, the owner itself with a guest token that is none; otherwise that token alone.
            CallerKind.BadGuestToken => new Shopper(guest is null ? null : call.OwnerShopper!.BearerToken, "gst_not-a-guest-token"),
            CallerKind.Viewer => new Shopper(runner.ViewerToken(RunnerFixture.NewViewerId()), guest is null ? null : await runner.NewGuestTokenAsync()),
            CallerKind.OtherGuest => await runner.NewGuestAsync(),
            CallerKind.Ops => new Shopper(runner.Tokens.Issue("ops-1", Role.Ops), guest),
            CallerKind.OtherMerchant => new Shopper(runner.MerchantToken(RunnerFixture.NewMerchantId()), guest),
            _ => call.OwnerShopper ?? new Shopper(runner.MerchantToken(call.Owner), null),
        };
    }

    /// <summary>Each watched cart as its owner reads it: version and lines.</summary>
    private async Task<List<string>> SnapshotAsync(PreparedCall call)
    {
        var snapshot = new List<string>();
        if (call.Watch is not null)
        {
            snapshot.Add(await call.Watch());
        }

        foreach (var shopper in call.Watched)
        {
            var view = await runner.GetCartAsync(shopper, CartMarket);
            snapshot.Add($"{view.Version} {view.ItemCount}: {string.Join(", ", view.Lines.Select(l => $"{l.LineId} x{l.Quantity}"))}");
        }

        return snapshot;
    }

    private static Dictionary<string, Func<RunnerFixture, Task<PreparedCall>>> BuildCases()
    {
        var cases = new Dictionary<string, Func<RunnerFixture, Task<PreparedCall>>>(MerchantCases);
        foreach (var (name, prepare) in ViewerCases)
        {
            cases.Add(name, prepare);
        }

        foreach (var (name, prepare) in CartCases)
        {
            cases.Add(name, r => prepare(r, NewViewer(r)));
        }

        cases.Add("MergeGuestCart", async r =>
        {
            // The owner (a viewer) signs in holding a guest cart; both carts have a line.
            var viewer = NewViewer(r);
            var guest = await r.NewGuestAsync();
            var (merchant, product, _) = await CartWithOneLineAsync(r, viewer.Shopper);
            await r.AddToCartAsync(guest, CartMarket, merchant, product, "shirt-m");
            return new PreparedCall(HttpMethod.Post, Routes.Format(Routes.CartMerge, CartMarket), null, null, HttpStatusCode.OK, viewer.Id)
            {
                Access = Access.Shopper,
                OwnerShopper = viewer.Shopper with { GuestToken = guest.GuestToken },
                MergeGuestToken = guest.GuestToken,
                Watched = [viewer.Shopper, guest],

                // Another viewer merges its own (empty) guest cart into its own cart; a guest alone cannot merge.
                OtherViewer = HttpStatusCode.OK,
                OtherGuest = HttpStatusCode.Unauthorized,
            };
        });
        return cases;
    }

    private static PreparedCall CartCall(HttpMethod method, string route, object? body, CartOwnerParty owner, HttpStatusCode otherViewer, HttpStatusCode otherGuest) =>
        new(method, route, body, null, HttpStatusCode.OK, owner.Id)
        {
            Access = Access.Shopper,
            OwnerShopper = owner.Shopper,
            Watched = [owner.Shopper],
            OtherViewer = otherViewer,
            OtherGuest = otherGuest,
        };

    /// <summary>Puts one unit of a new product's shirt-s in the shopper's cart; returns the merchant, product and line ids.</summary>
    private static async Task<(string Merchant, string Product, string Line)> CartWithOneLineAsync(RunnerFixture r, Shopper shopper)
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await r.CreateProductAsync(merchant, CartMarket);
        var (change, _) = await r.AddToCartAsync(shopper, CartMarket, merchant, product);
        return (merchant, product, change.Line!.LineId);
    }

    private static CartOwnerParty NewViewer(RunnerFixture r)
    {
        var id = RunnerFixture.NewViewerId();
        return new(id, Shopper.Viewer(r.ViewerToken(id)));
    }

    /// <summary>The owner of a cart: its viewer id (the token subject; unused for a guest) and how it calls.</summary>
    public sealed record CartOwnerParty(string Id, Shopper Shopper);

    private static async Task CreateGuest_AnonymousCaller_GetsWellFormedTokenAndNothingIsWritten(RunnerFixture r)
    {
        var writesBefore = r.Writes;

        using var first = await r.SendAsync(HttpMethod.Post, Routes.Guests);
        using var second = await r.SendAsync(HttpMethod.Post, Routes.Guests);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.True(first.Headers.CacheControl?.NoStore, "A guest token is personal: the answer must not be stored by caches.");
        var guest = (await first.Content.ReadFromJsonAsync<GuestView>(ApiJson.Options))!;
        var other = (await second.Content.ReadFromJsonAsync<GuestView>(ApiJson.Options))!;
        Assert.Equal(ApiRequest.GuestTokenHeader, guest.Header);
        Assert.Matches(GuestToken(), guest.GuestToken);
        Assert.NotEqual(guest.GuestToken, other.GuestToken);

        // The token is an identity at once, with an empty cart that does not exist until something is added.
        var cart = await r.GetCartAsync(Shopper.Guest(guest.GuestToken), CartMarket);
        Assert.True(cart.Guest);
        Assert.Empty(cart.Lines);
        Assert.Null(cart.Version);
        Assert.Equal(writesBefore, r.Writes);
    }

    private static async Task Negotiate_AnyCallerWithoutABadToken_GetsAccess_AndNothingIsWritten(RunnerFixture r)
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, _) = await r.CreateStreamAsync(merchant);
        var route = Routes.Format(Routes.StreamNegotiate, stream);
        var writesBefore = r.Writes;

        foreach (var token in new[] { null, r.ViewerToken(RunnerFixture.NewViewerId()), r.MerchantToken(merchant), r.MerchantToken(RunnerFixture.NewMerchantId()) })
        {
            using var response = await r.SendAsync(HttpMethod.Post, route, token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var garbage = await r.SendAsync(HttpMethod.Post, route, "not-a-jwt");
        using var foreign = await r.SendAsync(HttpMethod.Post, route, new DevTokens(Convert.ToBase64String(new byte[32]), LocalRunnerApp.DevIssuer, LocalRunnerApp.DevAudience, TimeProvider.System).Issue("v", Role.Viewer));
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (garbage.StatusCode, foreign.StatusCode));
        Assert.Equal(writesBefore, r.Writes);
    }

    private static async Task EventGridDelivery_OnlyTheDeliveryKeyGetsIn(RunnerFixture r)
    {
        var key = r.App.Configuration[SettingNames.EventGridDeliveryKey]!;
        const string body = """[{"specversion":"1.0","id":"e1","type":"liveshop.unknown","source":"/x"}]""";

        async Task<HttpStatusCode> SendAsync(string route, string? bearer)
        {
            using var request = RunnerFixture.Request(HttpMethod.Post, route, bearer);
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/cloudevents-batch+json");
            using var response = await r.Client.SendAsync(request);
            return response.StatusCode;
        }

        var writes = r.Writes;
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(Routes.EventGridDeliveries, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(Routes.EventGridDeliveries, r.MerchantToken("m1")));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(Routes.EventGridDeliveries + "?key=forged", null));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(Routes.EventGridDeliveries + "?key=" + key, null));
        Assert.Equal(writes, r.Writes);
    }

    private static async Task LiveUpstream_OnlyTheServicesSignatureGetsIn(RunnerFixture r)
    {
        var service = r.App.Services.GetRequiredService<LiveShop.LocalRunner.LocalSignalR.LocalSignalRService>();
        var connectionId = "c-" + Guid.NewGuid().ToString("N");

        async Task<HttpStatusCode> SendAsync(string? signature, string? bearer)
        {
            using var request = RunnerFixture.Request(HttpMethod.Post, Routes.LiveUpstream, bearer);
            request.Content = new StringContent("""{"type":10}""", System.Text.Encoding.UTF8, "application/json");
            request.Headers.Add(Functions.Live.LiveFunctions.ConnectionIdHeader, connectionId);
            request.Headers.Add(Functions.Live.LiveFunctions.CategoryHeader, "connections");
            request.Headers.Add(Functions.Live.LiveFunctions.EventHeader, "connected");
            request.Headers.Add(Functions.Live.LiveFunctions.UserClaimsHeader, "liveshop.stream: str_x");
            if (signature is not null)
            {
                request.Headers.Add(Functions.Live.LiveFunctions.SignatureHeader, signature);
            }

            using var response = await r.Client.SendAsync(request);
            return response.StatusCode;
        }

        // A merchant's or viewer's bearer token is no signature; the service's signature is (the connection is unknown to it: nothing counted).
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(null, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(null, r.MerchantToken(RunnerFixture.NewMerchantId())));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(service.Sign("other-connection"), null));
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(service.Sign(connectionId), null));
    }

    [GeneratedRegex("^gst_[A-Za-z0-9_-]{43}$")]
    private static partial Regex GuestToken();

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}

using System.Net;
using LiveShop.Core.Configuration;
using LiveShop.Core.Identity;
using LiveShop.Core.Streams;
using LiveShop.Functions.Http;
using LiveShop.LocalRunner;

namespace LiveShop.EndToEndTests;

/// <summary>
/// Every mutating endpoint against every kind of caller: only the owning merchant succeeds, and a refused
/// request writes nothing to storage.
/// </summary>
[Collection(RunnerCollection.Name)]
public sealed class AuthorizationMatrixTests(RunnerFixture runner)
{
    /// <summary>A prepared request against resources of <paramref name="Owner"/>.</summary>
    public sealed record PreparedCall(HttpMethod Method, string Route, object? Body, string? IfMatch, HttpStatusCode Success, string Owner);

    private static readonly Dictionary<string, Func<RunnerFixture, Task<PreparedCall>>> Cases = new()
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
    };

    public enum CallerKind
    {
        None,
        Garbage,
        Expired,
        ForeignKey,
        WrongAudience,
        Viewer,
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

    [Fact]
    public void Matrix_CoversEveryMutatingFunction()
    {
        var mutating = FunctionsMetadata.HttpFunctions().Where(f => f.Methods.Any(m => m != "GET" && m != "HEAD")).Select(f => f.Name).Order();

        Assert.Equal(mutating, Cases.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task MutatingEndpoint_ByCaller_OnlyOwnerSucceedsAndRefusalsWriteNothing(string function, CallerKind kind)
    {
        var call = await Cases[function](runner);
        var writesBefore = runner.Writes;

        using var response = await runner.SendAsync(call.Method, call.Route, Token(kind, call.Owner), call.Body, call.IfMatch);

        var expected = kind switch
        {
            CallerKind.Owner => call.Success,
            // Creating a stream acts for the caller's own merchant: another merchant simply creates its own.
            CallerKind.OtherMerchant when function == "CreateStream" => call.Success,
            CallerKind.None or CallerKind.Garbage or CallerKind.Expired or CallerKind.ForeignKey or CallerKind.WrongAudience => HttpStatusCode.Unauthorized,
            _ => HttpStatusCode.Forbidden,
        };
        Assert.Equal(expected, response.StatusCode);
        if (expected is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(writesBefore, runner.Writes);
        }
        else
        {
            Assert.True(runner.Writes > writesBefore, "A successful mutation must write.");
        }
    }

    private string? Token(CallerKind kind, string owner)
    {
        var configuration = runner.App.Configuration;
        var key = configuration[SettingNames.AuthDevSigningKey]!;
        var issuer = configuration[SettingNames.AuthIssuer]!;
        var audience = configuration[SettingNames.AuthAudience]!;
        return kind switch
        {
            CallerKind.None => null,
            CallerKind.Garbage => "not-a-jwt",
            CallerKind.Expired => new DevTokens(key, issuer, audience, new ShiftedClock(TimeSpan.FromDays(-1))).Issue("u", Role.Merchant, owner, TimeSpan.FromHours(1)),
            CallerKind.ForeignKey => new DevTokens(Convert.ToBase64String(new byte[32]), issuer, audience, TimeProvider.System).Issue("u", Role.Merchant, owner),
            CallerKind.WrongAudience => new DevTokens(key, issuer, "someone-else", TimeProvider.System).Issue("u", Role.Merchant, owner),
            CallerKind.Viewer => runner.ViewerToken(),
            CallerKind.Ops => runner.Tokens.Issue("ops-1", Role.Ops),
            CallerKind.OtherMerchant => runner.MerchantToken(RunnerFixture.NewMerchantId()),
            _ => runner.MerchantToken(owner),
        };
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}

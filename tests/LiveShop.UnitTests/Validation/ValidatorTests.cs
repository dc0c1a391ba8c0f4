using LiveShop.Core.Errors;
using LiveShop.Core.Markets;
using LiveShop.Core.Validation;
using LiveShop.UnitTests.Builders;

namespace LiveShop.UnitTests.Validation;

public sealed class ValidatorTests
{
    [Fact]
    public void Market_KnownCode_ReturnsTheMarketAndAddsNoError()
    {
        var v = new Validator();

        var market = v.Market("market", "uk");

        Assert.Same(MarketRegistry.Get("uk"), market);
        Assert.True(v.IsValid);
    }

    [Fact]
    public void Market_Missing_IsRequired()
    {
        var v = new Validator();

        Assert.Null(v.Market("market", null));

        Assert.Equal(["is required."], Errors(v)["market"]);
    }

    [Fact]
    public void Market_UnknownCode_NamesTheMarketsThereAre()
    {
        var v = new Validator();

        Assert.Null(v.Market("market", "zz"));

        Assert.Equal([$"'zz' is not a market; use one of {string.Join(", ", MarketRegistry.Codes)}."], Errors(v)["market"]);
    }

    [Fact]
    public void OptionalIdentifier_Absent_IsValid()
    {
        var v = new Validator();

        Assert.Null(v.OptionalIdentifier("streamId", null));

        Assert.True(v.IsValid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    public void OptionalIdentifier_Malformed_SaysWhatAnIdentifierIs(string value)
    {
        var v = new Validator();

        v.OptionalIdentifier("streamId", value);
        v.Identifier("skuId", value);

        var errors = Errors(v);
        Assert.Equal(["must be 1 to 64 characters of letters, digits, '-', '_' or '.'."], errors["streamId"]);
        Assert.Equal(errors["streamId"], errors["skuId"]);
    }

    private static IReadOnlyDictionary<string, string[]> Errors(Validator v) =>
        Problem.Throws(ErrorKind.Validation, v.ThrowIfInvalid).Errors!;
}

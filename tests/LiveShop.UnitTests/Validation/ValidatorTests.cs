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
        Assert.Equal([Identifiers.Rule], errors["streamId"]);
        Assert.Equal(errors["streamId"], errors["skuId"]);
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a..b")]
    [InlineData("../etc")]
    [InlineData(".hidden")]
    [InlineData("trailing.")]
    [InlineData("-dash")]
    [InlineData("under_")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("%2e%2e")]
    public void Identifier_PathLikeOrPunctuationAtAnEnd_Refused(string value)
    {
        var v = new Validator();

        v.Identifier("skuId", value);

        Assert.Equal([Identifiers.Rule], Errors(v)["skuId"]);
        Assert.False(Identifiers.IsValid(value));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("shirt-s")]
    [InlineData("v1.2_b-3")]
    [InlineData("chk_0123abcd")]
    public void Identifier_Ordinary_Accepted(string value) => Assert.True(Identifiers.IsValid(value));

    [Theory]
    [InlineData("nul\u0000byte")]
    [InlineData("\u001b[31mred\u001b[0m")]
    [InlineData("bell\u0007")]
    [InlineData("line\nbreak")]
    [InlineData("del\u007f")]
    [InlineData("c1\u0085x")]
    [InlineData("rtl\u202Eoverride")]
    [InlineData("isolate\u2066x")]
    public void TextAndOptionalText_ControlOrDeceptiveCharacters_RefusedByTheSameRule(string value)
    {
        var v = new Validator();

        v.Text("title", value, 1, 100);
        v.OptionalText("note", value, 100);

        var errors = Errors(v);
        Assert.Single(errors["title"]);
        Assert.Equal(errors["title"], errors["note"]);
    }

    [Fact]
    public void Text_LoneSurrogate_Refused()
    {
        var v = new Validator();

        v.Text("title", "lone" + (char)0xD800 + "surrogate", 1, 100);
        v.OptionalText("note", (char)0xDC00 + "x", 100);

        Assert.Equal(2, Errors(v).Count);
    }

    [Theory]
    [InlineData("two\nlines")]
    [InlineData("tab\tand\r\nbreak")]
    [InlineData("emoji \ud83d\udc4d\u200d ok")]
    public void OptionalText_MultilineWithBreaksTabsAndEmoji_Accepted(string value)
    {
        var v = new Validator();

        v.OptionalText("description", value, 100, multiline: true);

        Assert.True(v.IsValid);
    }

    [Fact]
    public void OptionalText_MultilineWithAnsiEscape_Refused()
    {
        var v = new Validator();

        v.OptionalText("description", "ok\n\u001b[2Jcleared", 100, multiline: true);

        Assert.Single(Errors(v)["description"]);
    }

    private static IReadOnlyDictionary<string, string[]> Errors(Validator v) =>
        Problem.Throws(ErrorKind.Validation, v.ThrowIfInvalid).Errors!;
}

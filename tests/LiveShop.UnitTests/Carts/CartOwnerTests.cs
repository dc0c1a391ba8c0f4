using System.Security.Cryptography;
using System.Text;
using LiveShop.Core.Carts;
using LiveShop.Core.Errors;
using LiveShop.UnitTests.Builders;

namespace LiveShop.UnitTests.Carts;

public class CartOwnerTests
{
    [Fact]
    public void NewGuestToken_Always_PrefixAnd43Base64UrlCharacters()
    {
        var token = CartOwner.NewGuestToken();

        Assert.Matches("^gst_[A-Za-z0-9_-]{43}$", token);
        Assert.NotEqual(token, CartOwner.NewGuestToken());
    }

    [Fact]
    public void ForGuest_TokenItHandedOut_KeyIsTheHashOfTheToken()
    {
        var token = CartOwner.NewGuestToken();

        var owner = CartOwner.ForGuest(token);

        Assert.True(owner.IsGuest);
        Assert.Null(owner.UserId);
        Assert.Equal("g:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token))), owner.Key);
        Assert.DoesNotContain(token[4..], owner.Key, StringComparison.Ordinal);
        Assert.Equal(owner, CartOwner.ForGuest(token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("gst_")]
    [InlineData("gst_short")]
    [InlineData("gst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 42 characters
    [InlineData("gst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 44 characters
    [InlineData("gst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")] // padding
    [InlineData("gst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")] // base64, not base64url
    [InlineData("gst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/")]
    [InlineData("gst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAé")]
    [InlineData("GST_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("usr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData(" gst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void ForGuest_MalformedToken_Unauthenticated(string token)
    {
        Problem.Throws(ErrorKind.Unauthenticated, () => CartOwner.ForGuest(token));
    }

    [Fact]
    public void ForGuest_WellFormedToken_Accepted()
    {
        var owner = CartOwner.ForGuest("gst_" + new string('A', 42) + "-");

        Assert.True(owner.IsGuest);
    }

    [Fact]
    public void For_Viewer_KeyedByTheTokensSubject()
    {
        var owner = CartOwner.For(Callers.Viewer());

        Assert.Equal(new CartOwner("u:viewer-1", false, "viewer-1"), owner);
    }

    [Fact]
    public void For_MerchantOrOps_Forbidden()
    {
        Problem.Throws(ErrorKind.Forbidden, () => CartOwner.For(Callers.Merchant()));
        Problem.Throws(ErrorKind.Forbidden, () => CartOwner.For(Callers.Ops()));
    }
}

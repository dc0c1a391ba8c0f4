using System.Buffers.Text;
using System.Text;
using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.UnitTests.Builders;

namespace LiveShop.UnitTests.Catalog;

public class ContinuationTokenTests
{
    [Theory]
    [InlineData("prd_0193f1a2b3c4d5e6f7a8b9c0d1e2f3a4")]
    [InlineData("a")]
    [InlineData("with-dash_and.dot")]
    public void Decode_EncodedId_ReturnsTheId(string after)
    {
        var token = ContinuationToken.Encode(after);

        Assert.Equal(after, ContinuationToken.Decode(token));
    }

    [Fact]
    public void Encode_Null_ReturnsNull()
    {
        Assert.Null(ContinuationToken.Encode(null));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Decode_NoToken_ReturnsNull(string? token)
    {
        Assert.Null(ContinuationToken.Decode(token));
    }

    [Fact]
    public void Encode_Id_IsOpaqueUrlSafeText()
    {
        var token = ContinuationToken.Encode("prd_1");

        Assert.DoesNotContain("prd_1", token, StringComparison.Ordinal);
        Assert.Matches("^[A-Za-z0-9_-]+$", token);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("A")]
    [InlineData("%%%%")]
    public void Decode_NotBase64Url_ThrowsBadRequest(string token)
    {
        var error = Problem.Throws(ErrorKind.BadRequest, () => ContinuationToken.Decode(token));

        Assert.Equal("Invalid continuation token", error.Title);
    }

    [Theory]
    [InlineData("k2:prd_1")] // another version prefix
    [InlineData("prd_1")] // no prefix
    [InlineData("k1:")] // no id
    [InlineData("k1:prd 1")] // not an identifier
    [InlineData("k1:prd_1' OR 1=1")]
    public void Decode_TamperedPayload_ThrowsBadRequest(string payload)
    {
        var token = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload));

        Problem.Throws(ErrorKind.BadRequest, () => ContinuationToken.Decode(token));
    }

    [Fact]
    public void Decode_TruncatedToken_ThrowsBadRequest()
    {
        var token = ContinuationToken.Encode("prd_0193f1a2b3c4d5e6")!;

        Problem.Throws(ErrorKind.BadRequest, () => ContinuationToken.Decode(token[..3]));
    }

    [Fact]
    public void Decode_InvalidUtf8_ThrowsBadRequest()
    {
        var token = Base64Url.EncodeToString([(byte)'k', (byte)'1', (byte)':', 0xFF, 0xFE]);

        Problem.Throws(ErrorKind.BadRequest, () => ContinuationToken.Decode(token));
    }
}

using System.Text;
using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Errors;
using LiveShop.Core.Orders;
using LiveShop.Core.Streams;
using LiveShop.Functions.Http;
using LiveShop.Functions.Identity;
using Microsoft.AspNetCore.Http;
using Moq;

namespace LiveShop.UnitTests.Http;

/// <summary>A body the API cannot read is told what is wrong in the API's terms: never a .NET type or namespace.</summary>
public class ApiRequestErrorDetailTests
{
    public static TheoryData<string> Bodies() =>
    [
        "[]", "\"text\"", "1", "true", "null", "{", "{}{}", "{\"title\":1}", "{\"title\":\"a\",\"title\":\"b\"}", "{\"unknown\":1}",
        "{\"skus\":{}}", "{\"skus\":[1]}", "{\"skus\":[{\"price\":{\"minorUnits\":\"1\"}}]}", "{\"skus\":[{\"price\":{\"minorUnits\":1e40}}]}",
        "{\"skus\":[{\"price\":{\"minorUnits\":1.5}}]}", "{\"skus\":[{\"stockOnHand\":99999999999999999999}]}",
        "{\"skus\":[{\"attributes\":[]}]}", "{\"skus\":[{\"attributes\":{\"a\":1}}]}", "{\"imageUrls\":[1]}", "{\"imageUrls\":\"x\"}",
        "{\"title\":\"a\",}", "/* c */ {}", "{\"skus\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]}", "{\"title\":\"\\ud800\"}",
        "{\"scheduledStart\":\"2030-01-01T00:00:00\"}", "{\"scheduledStart\":5}", "{\"lines\":[{\"number\":\"1\"}]}", "{\"restock\":\"yes\"}",
        "{\"buyNow\":[]}", "{\"quantity\":-1e3}", "{\"market\":{}}",
    ];

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task BodyAsync_UnreadableBody_DetailNamesNoDotNetType(string body)
    {
        foreach (var read in Readers())
        {
            var error = await Assert.ThrowsAsync<LiveShopException>(() => read(Request(body)));

            Assert.Equal(ErrorKind.BadRequest, error.Kind);
            Assert.DoesNotContain("LiveShop.", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("System.", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(".NET", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Input", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BodyAsync_DuplicateProperty_NamesTheProperty()
    {
        var error = await Assert.ThrowsAsync<LiveShopException>(() => Request("{\"title\":\"a\",\"title\":\"b\"}").BodyAsync<ProductInput>(CancellationToken.None));

        Assert.Contains("'title' more than once", error.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<Func<ApiRequest, Task>> Readers() =>
    [
        api => api.BodyAsync<ProductInput>(CancellationToken.None),
        api => api.BodyAsync<StreamInput>(CancellationToken.None),
        api => api.BodyAsync<RefundInput>(CancellationToken.None),
        api => api.BodyAsync<CheckoutInput>(CancellationToken.None),
        api => api.BodyAsync<AddCartLineInput>(CancellationToken.None),
    ];

    private static ApiRequest Request(string body)
    {
        var context = new DefaultHttpContext();
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = bytes.Length;
        return new ApiRequest(context.Request, Mock.Of<IBearerAuthenticator>());
    }
}

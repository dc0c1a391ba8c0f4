using System.Text;
using LiveShop.Core.Errors;
using LiveShop.Core.Orders;
using LiveShop.Functions.Http;
using LiveShop.Functions.Identity;
using LiveShop.UnitTests.Builders;
using Microsoft.AspNetCore.Http;
using Moq;

namespace LiveShop.UnitTests.Http;

/// <summary>How the request helper reads bodies: present whatever the framing, JSON by exact media type, broken framing a 400.</summary>
public class ApiRequestBodyTests
{
    private const string Refund = """{"lines":[{"number":1,"quantity":1}]}""";
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("APPLICATION/JSON", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("application/json;charset=\"UTF-8\"", true)]
    [InlineData("application/jsonx", false)]
    [InlineData("application/json-seq", false)]
    [InlineData("application/json; charset=iso-8859-1", false)]
    [InlineData("application/problem+json", false)]
    [InlineData("text/json", false)]
    [InlineData("application/json garbage", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsJson_ExactMediaTypeWithParametersAllowed(string? contentType, bool expected) =>
        Assert.Equal(expected, ApiRequest.IsJson(contentType));

    [Fact]
    public async Task OptionalBodyAsync_ChunkedBodyWithoutContentType_415()
    {
        var api = Request(Refund, contentType: null, chunked: true);

        await Problem.ThrowsAsync(ErrorKind.UnsupportedMediaType, () => api.OptionalBodyAsync<RefundInput>(None));
    }

    [Fact]
    public async Task OptionalBodyAsync_NoBodyAndNoContentType_Null()
    {
        Assert.Null(await Request(string.Empty, contentType: null, chunked: true).OptionalBodyAsync<RefundInput>(None));
        Assert.Null(await Request(string.Empty, contentType: null, chunked: false).OptionalBodyAsync<RefundInput>(None));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OptionalBodyAsync_JsonBodyAnyFraming_Read(bool chunked)
    {
        var body = await Request(Refund, "application/json", chunked).OptionalBodyAsync<RefundInput>(None);

        Assert.Equal([new RefundLineInput(1, 1)], body!.Lines);
    }

    [Fact]
    public async Task BodyAsync_ContentTypeWithAJsonPrefix_415()
    {
        await Problem.ThrowsAsync(ErrorKind.UnsupportedMediaType, () => Request(Refund, "application/jsonx", chunked: false).BodyAsync<RefundInput>(None));
    }

    [Theory]
    [InlineData(400, ErrorKind.BadRequest)]
    [InlineData(413, ErrorKind.PayloadTooLarge)]
    [InlineData(0, ErrorKind.BadRequest)]
    public async Task BodyAsync_ServerRefusesTheFramingWhileReading_ProblemNotAnUnhandledFailure(int status, ErrorKind kind)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.Headers.TransferEncoding = "chunked";
        context.Request.Body = new FailingStream(status == 0 ? new IOException("Bad chunk size data.") : new BadHttpRequestException("Bad chunk size data.", status));
        var api = new ApiRequest(context.Request, Mock.Of<IBearerAuthenticator>());

        var error = await Problem.ThrowsAsync(kind, () => api.BodyAsync<RefundInput>(None));

        Assert.DoesNotContain("chunk size data", error.Message, StringComparison.Ordinal);
    }

    private static ApiRequest Request(string body, string? contentType, bool chunked)
    {
        var context = new DefaultHttpContext();
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentType = contentType;
        if (chunked)
        {
            context.Request.Headers.TransferEncoding = "chunked";
        }
        else
        {
            context.Request.ContentLength = bytes.Length;
        }

        return new ApiRequest(context.Request, Mock.Of<IBearerAuthenticator>());
    }

    private sealed class FailingStream(Exception error) : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(error);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromException<int>(error);
    }
}

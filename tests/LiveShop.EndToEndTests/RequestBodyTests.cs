using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using LiveShop.Core.Orders;
using LiveShop.Functions.Http;
using Microsoft.Extensions.Logging;

namespace LiveShop.EndToEndTests;

/// <summary>
/// Request bodies over the runner's Kestrel, with every framing a client can use: a body is a body whether it comes
/// with a Content-Length or chunked; only application/json is JSON; broken framing is a 400 problem, never a 500.
/// </summary>
public sealed class RequestBodyTests(RequestBodyTests.LoggedRunner fixture) : IClassFixture<RequestBodyTests.LoggedRunner>
{
    private RunnerFixture Runner => fixture.Runner;

    [Fact]
    public async Task RefundOrder_ChunkedBodyWithoutContentType_415LikeWithAContentLengthAndNothingRefunded()
    {
        var paid = await Runner.PaidOrderAsync();
        var body = Encoding.UTF8.GetBytes("""{"lines":[{"number":1,"quantity":1}]}""");
        var writesBefore = Runner.Writes;

        using var chunked = await SendRefundAsync(paid, body, chunked: true, "refund-chunked");
        using var sized = await SendRefundAsync(paid, body, chunked: false, "refund-sized");

        Assert.Equal((HttpStatusCode.UnsupportedMediaType, HttpStatusCode.UnsupportedMediaType), (chunked.StatusCode, sized.StatusCode));
        Assert.Equal("application/problem+json", chunked.Content.Headers.ContentType?.MediaType);
        Assert.Equal(writesBefore, Runner.Writes);
        Assert.Empty((await Runner.StoredOrderAsync(paid.MerchantId, paid.OrderId)).Refunds);
    }

    [Fact]
    public async Task RefundOrder_ChunkedEmptyBodyWithoutContentType_IsNoBodyAndRefundsInFull()
    {
        var paid = await Runner.PaidOrderAsync();

        using var response = await SendRefundAsync(paid, [], chunked: true, "refund-empty-chunked");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("refunded", (await response.Content.ReadFromJsonAsync<OrderView>(ApiJson.Options))!.Status);
    }

    [Theory]
    [InlineData("application/jsonx")]
    [InlineData("application/json-seq")]
    [InlineData("application/json; charset=latin1")]
    [InlineData("text/plain")]
    public async Task CreateProduct_ContentTypeThatIsNotJson_415AndNothingWritten(string contentType)
    {
        var merchant = RunnerFixture.NewMerchantId();
        using var request = RunnerFixture.Request(HttpMethod.Post, Routes.Format(Routes.MerchantProducts, merchant), Runner.MerchantToken(merchant), Inputs.Product());
        var json = await request.Content!.ReadAsByteArrayAsync();
        request.Content = new ByteArrayContent(json);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var writesBefore = Runner.Writes;

        using var response = await Runner.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(writesBefore, Runner.Writes);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("Application/JSON; charset=UTF-8")]
    public async Task CreateProduct_JsonWithOrWithoutParameters_201(string contentType)
    {
        var merchant = RunnerFixture.NewMerchantId();
        using var request = RunnerFixture.Request(HttpMethod.Post, Routes.Format(Routes.MerchantProducts, merchant), Runner.MerchantToken(merchant), Inputs.Product());
        request.Content = new ByteArrayContent(await request.Content!.ReadAsByteArrayAsync());
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await Runner.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("zz\r\n{}\r\n0\r\n\r\n")]
    [InlineData("FFFFFFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n")]
    [InlineData("-1\r\n{}\r\n0\r\n\r\n")]
    [InlineData("2\r\n{}xx0\r\n\r\n")]
    public async Task CreateProduct_BrokenChunkedFraming_400ProblemAndNoErrorLogged(string chunks)
    {
        var merchant = RunnerFixture.NewMerchantId();
        var writesBefore = Runner.Writes;
        var errorsBefore = Errors().Count;

        var (status, answer) = await SendRawAsync(
            $"POST {RunnerFixture.Url(Routes.Format(Routes.MerchantProducts, merchant))} HTTP/1.1\r\n" +
            $"Host: localhost\r\nAuthorization: Bearer {Runner.MerchantToken(merchant)}\r\n" +
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks);

        Assert.True(status == 400, $"{status}: {string.Join(" | ", fixture.Logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.Exception?.GetType() + " " + e.Exception?.Message))}");
        Assert.Contains("content-type: application/problem+json", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Malformed body", answer, StringComparison.Ordinal);
        Assert.Equal(writesBefore, Runner.Writes);
        Assert.Equal(errorsBefore, Errors().Count);
    }

    private List<LogEntry> Errors() => [.. fixture.Logs.Entries.Where(e => e.Level >= LogLevel.Error)];

    private async Task<HttpResponseMessage> SendRefundAsync(PaidOrder paid, byte[] body, bool chunked, string key)
    {
        using var request = RunnerFixture.Request(HttpMethod.Post, Routes.Format(Routes.MerchantOrderRefunds, paid.MerchantId, paid.OrderId), Runner.MerchantToken(paid.MerchantId));
        request.Headers.Add("Idempotency-Key", key);
        request.Content = new ByteArrayContent(body);
        request.Headers.TransferEncodingChunked = chunked;
        if (!chunked)
        {
            request.Content.Headers.ContentLength = body.Length;
        }

        return await Runner.Client.SendAsync(request);
    }

    /// <summary>Sends bytes no HTTP client would, and reads the whole answer (the server closes the connection).</summary>
    private async Task<(int Status, string Answer)> SendRawAsync(string request)
    {
        var address = new Uri(Runner.App.Urls.First());
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync();
        return (int.Parse(answer.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), answer);
    }

    /// <summary>A runner of this class's own, whose log entries are recorded.</summary>
    public sealed class LoggedRunner : IAsyncLifetime
    {
        public RecordingLogs Logs { get; } = new();

        public RunnerFixture Runner { get; private set; } = null!;

        public async Task InitializeAsync() => Runner = await RunnerFixture.StartAsync([], (_, builder) => builder.Logging.AddProvider(Logs));

        public Task DisposeAsync() => Runner.DisposeAsync();
    }
}

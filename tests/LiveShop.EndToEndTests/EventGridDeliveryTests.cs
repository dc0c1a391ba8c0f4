using System.Collections.Concurrent;
using System.Net;
using System.Text;
using LiveShop.Azure.EventGrid;
using LiveShop.Core.Configuration;
using LiveShop.Core.Events;
using LiveShop.Core.Orders;
using LiveShop.Core.Storage;
using LiveShop.LocalRunner.LocalEventGrid;
using Microsoft.Extensions.DependencyInjection;

namespace LiveShop.EndToEndTests;

/// <summary>
/// The Event Grid handler (both handshakes, batches, the delivery key, 400 vs 5xx) and the runner's topic stand-in
/// delivering to it over HTTP with retries, as Event Grid does.
/// </summary>
public sealed class EventGridDeliveryTests : IAsyncLifetime
{
    private const string TestType = "liveshop.test.ping";
    private readonly TestConsumer _consumer = new();
    private RunnerFixture _runner = null!;

    private string Key => _runner.App.Configuration[SettingNames.EventGridDeliveryKey]!;

    public async Task InitializeAsync() =>
        _runner = await RunnerFixture.StartAsync([], (_, builder) => builder.Services.AddSingleton<IEventConsumer>(_consumer));

    public Task DisposeAsync() => _runner.DisposeAsync();

    [Fact]
    public async Task Options_CloudEventsHandshakeWithTheKey_AllowsTheOrigin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, $"/api/events/eventgrid?key={Key}");
        request.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");
        using var response = await _runner.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["eventgrid.azure.net"], response.Headers.GetValues("WebHook-Allowed-Origin"));
    }

    [Fact]
    public async Task Options_WrongKey_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/events/eventgrid?key=forged");
        request.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");
        using var response = await _runner.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("WebHook-Allowed-Origin"));
    }

    [Fact]
    public async Task Post_EventGridSchemaSubscriptionValidation_AnswersTheCode()
    {
        const string body = """[{"id":"1","topic":"t","subject":"","data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6","validationUrl":"https://x"},"eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","eventTime":"2026-12-05T00:00:00Z","metadataVersion":"1","dataVersion":"2"}]""";
        using var response = await PostAsync(body, Key, "application/json", "SubscriptionValidation");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"validationResponse\":\"512d38b6-c7b8-40c8-89fe-f46f9e9622b6\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("forged")]
    public async Task Post_MissingOrWrongKey_401AndNothingHandled(string? key)
    {
        using var response = await PostAsync(Batch("e-forged"), key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_consumer.Handled);
    }

    [Theory]
    [InlineData("""[{"specversion":"1.0","type":"liveshop.test.ping","source":"/x"}]""")]
    [InlineData("""[{"specversion":"1.0","id":"x","type":"liveshop.unknown","source":"/x"}]""")]
    [InlineData("""not json""")]
    public async Task Post_NeverProcessable_400(string body)
    {
        using var response = await PostAsync(body, Key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Post_ConsumerTransientFailure_503SoEventGridRetries()
    {
        _consumer.FailuresLeft = 1;
        using var response = await PostAsync(Batch("e-transient"), Key);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Post_Batch_EveryEventHandled()
    {
        using var response = await PostAsync($"[{Event("b1")},{Event("b2")},{Event("b3")}]", Key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["b1", "b2", "b3"], _consumer.Handled.Order());
    }

    [Fact]
    public async Task StandIn_PublishedWithTheProductionClient_DeliveredAfterTheHandshakeAndRetriedUntilTheHandlerRecovers()
    {
        var topic = _runner.App.Services.GetRequiredService<LocalEventGridTopic>();
        var publisher = new EventGridDomainEvents(new EventGridOptions(
            new Uri(_runner.App.Configuration[SettingNames.EventGridTopicEndpoint]!), _runner.App.Configuration[SettingNames.EventGridTopicKey]));
        _consumer.FailuresLeft = 2;

        await publisher.PublishAsync(new DomainEvent("ping-1", TestType, "merchants/m1/pings/1", DateTimeOffset.UtcNow, new { n = 1 }), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await topic.WhenIdleAsync(timeout.Token);

        Assert.True(topic.Validated);
        Assert.Equal(["ping-1"], _consumer.Handled);
        var delivery = Assert.Single(topic.Delivered);
        Assert.Equal(("ping-1", 3), (delivery.EventId, delivery.Attempts));
        Assert.Equal("m1", _consumer.Received.Single().Extension(EventGridDomainEvents.MerchantAttribute));
    }

    private static string Event(string id) =>
        $$$"""{"specversion":"1.0","id":"{{{id}}}","type":"{{{TestType}}}","source":"/liveshop","subject":"merchants/m1/pings/{{{id}}}","time":"2026-12-05T00:00:00Z","data":{"n":1}}""";

    private static string Batch(string id) => $"[{Event(id)}]";

    private async Task<HttpResponseMessage> PostAsync(string body, string? key, string contentType = "application/cloudevents-batch+json", string eventType = "Notification")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, key is null ? "/api/events/eventgrid" : $"/api/events/eventgrid?key={key}")
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        request.Headers.Add("aeg-event-type", eventType);
        return await _runner.Client.SendAsync(request);
    }

    private sealed class TestConsumer : IEventConsumer
    {
        private readonly ConcurrentQueue<ReceivedEvent> _received = new();
        private int _failuresLeft;

        public IReadOnlyCollection<string> Types { get; } = [TestType];

        public int FailuresLeft { get => _failuresLeft; set => _failuresLeft = value; }

        public IReadOnlyList<ReceivedEvent> Received => [.. _received];

        public IReadOnlyList<string> Handled => _received.Select(e => e.Id).ToList();

        public Task HandleAsync(ReceivedEvent received, CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref _failuresLeft) >= 0)
            {
                throw new StoreUnavailableException("Busy (test)");
            }

            _received.Enqueue(received);
            return Task.CompletedTask;
        }
    }
}

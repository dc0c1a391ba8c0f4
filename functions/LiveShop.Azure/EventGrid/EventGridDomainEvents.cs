using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using LiveShop.Core.Orders;
using LiveShop.Core.Storage;

namespace LiveShop.Azure.EventGrid;

/// <param name="TopicEndpoint">The topic's endpoint (https://NAME.REGION-1.eventgrid.azure.net/api/events; the runner's stand-in: its URL + /eventgrid/api/events).</param>
/// <param name="TopicKey">Development only: the stand-in's access key; in Azure the app's managed identity (EventGrid Data Sender).</param>
public sealed record EventGridOptions(Uri TopicEndpoint, string? TopicKey);

/// <summary>
/// Publishes domain events to the Event Grid topic as CloudEvents 1.0 (source /liveshop, the event's id, type, subject
/// and time; data as JSON; the merchant as the extension attribute "merchantid" so subscriptions can filter on it).
/// Azure.Core retries 408, 429 and 5xx three times (bounded); a failure after that throws and the outbox keeps the event.
/// </summary>
public sealed class EventGridDomainEvents : IDomainEvents
{
    public const string MerchantAttribute = "merchantid";

    private readonly EventGridPublisherClient _client;

    public EventGridDomainEvents(EventGridOptions options, EventGridPublisherClientOptions? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        clientOptions ??= new EventGridPublisherClientOptions();
        clientOptions.Retry.MaxRetries = 3;
        clientOptions.Retry.Mode = RetryMode.Exponential;
        _client = options.TopicKey is { Length: > 0 } key
            ? new EventGridPublisherClient(options.TopicEndpoint, new AzureKeyCredential(key), clientOptions)
            : new EventGridPublisherClient(options.TopicEndpoint, new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned), clientOptions);
    }

    public async Task PublishAsync(DomainEvent domainEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        await _client.SendEventAsync(ToCloudEvent(domainEvent), cancellationToken);
    }

    public static CloudEvent ToCloudEvent(DomainEvent domainEvent)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        var data = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(domainEvent.Data, StorageJson.Options));
        var cloudEvent = new CloudEvent(DomainEventTypes.Source, domainEvent.Type, data, "application/json", CloudEventDataFormat.Json)
        {
            Id = domainEvent.Id,
            Subject = domainEvent.Subject,
            Time = domainEvent.Time,
        };
        if (domainEvent.MerchantId is { } merchant)
        {
            cloudEvent.ExtensionAttributes[MerchantAttribute] = merchant;
        }

        return cloudEvent;
    }
}

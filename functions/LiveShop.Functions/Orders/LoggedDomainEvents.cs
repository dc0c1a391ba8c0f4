using System.Text.Json;
using LiveShop.Core.Orders;
using LiveShop.Functions.Http;
using Microsoft.Extensions.Logging;

namespace LiveShop.Functions.Orders;

/// <summary>
/// Domain events written to the log (and so to Application Insights), until the Event Grid publisher comes with the
/// webhooks work; the port stays the same.
/// </summary>
public sealed class LoggedDomainEvents(ILogger<LoggedDomainEvents> logger) : IDomainEvents
{
    public Task PublishAsync(DomainEvent domainEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        logger.LogInformation(
            "Domain event {Type} {Id} about {Subject}: {Data}",
            domainEvent.Type, domainEvent.Id, domainEvent.Subject, JsonSerializer.Serialize(domainEvent.Data, ApiJson.Options));
        return Task.CompletedTask;
    }
}

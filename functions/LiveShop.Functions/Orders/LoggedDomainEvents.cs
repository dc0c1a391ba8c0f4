using System.Text.Json;
using System.Text.Json.Nodes;
using LiveShop.Core.Orders;
using LiveShop.Functions.Http;
using Microsoft.Extensions.Logging;

namespace LiveShop.Functions.Orders;

/// <summary>
/// Domain events written to the log (and so to Application Insights), until the Event Grid publisher comes with the
/// webhooks work; the port stays the same. Logs keep no identifiers of people: the fields that name one (the buyer)
/// are left out of the logged data (the order id leads to them for whoever may read orders).
/// </summary>
public sealed class LoggedDomainEvents(ILogger<LoggedDomainEvents> logger) : IDomainEvents
{
    /// <summary>Event data fields (camelCase, at any depth) that identify a person.</summary>
    public static readonly IReadOnlySet<string> PersonalFields =
        new HashSet<string>(["buyerId", "userId", "viewerId", "email", "phone", "name", "address"], StringComparer.OrdinalIgnoreCase);

    public Task PublishAsync(DomainEvent domainEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        logger.LogInformation(
            "Domain event {Type} {Id} about {Subject}: {Data}",
            domainEvent.Type, domainEvent.Id, domainEvent.Subject, WithoutPeople(domainEvent.Data));
        return Task.CompletedTask;
    }

    /// <summary>The data as JSON, without <see cref="PersonalFields"/>.</summary>
    public static string WithoutPeople(object data)
    {
        var node = JsonSerializer.SerializeToNode(data, ApiJson.Options);
        Remove(node);
        return node?.ToJsonString(ApiJson.Options) ?? "null";
    }

    private static void Remove(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).Where(PersonalFields.Contains).ToList())
                {
                    obj.Remove(name);
                }

                foreach (var (_, value) in obj)
                {
                    Remove(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Remove(item);
                }

                break;
        }
    }
}

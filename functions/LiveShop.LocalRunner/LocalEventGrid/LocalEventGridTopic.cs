using System.Text.Json;
using LiveShop.Core.Configuration;
using LiveShop.Core.Events;
using LiveShop.Functions.Events;
using LiveShop.Functions.Http;
using Microsoft.AspNetCore.Hosting.Server;

namespace LiveShop.LocalRunner.LocalEventGrid;

/// <summary>What happened to one event in the stand-in.</summary>
public sealed record LocalDelivery(string EventId, string Type, int Attempts, int? LastStatus);

/// <summary>
/// An in-process stand-in for the Event Grid topic with its delivery semantics: the production publisher POSTs
/// CloudEvents to /eventgrid/api/events (aeg-sas-key checked), and one subscription delivers them to the app's own
/// handler over HTTP (<see cref="Routes.EventGridDeliveries"/>, with the delivery key in the query) after the CloudEvents
/// OPTIONS handshake: at least once, in no particular order, each event alone in a batch, retried with backoff on 5xx,
/// 408, 429 and network errors, dropped (dead-lettered) on 400, 401, 403 and 413. Only the event types the handler
/// consumes are delivered (the subscription's type filter in infra/).
/// </summary>
public sealed class LocalEventGridTopic(IConfiguration configuration, IServer server, EventDelivery handler, IHttpClientFactory clients, ILogger<LocalEventGridTopic> logger)
    : BackgroundService
{
    public const string PathBase = "/eventgrid";
    public const string PublishPath = PathBase + "/api/events";
    public const int MaxAttempts = 12;

    private static readonly int[] NotRetried = [400, 401, 403, 413];

    private readonly List<Pending> _pending = [];
    private readonly List<LocalDelivery> _delivered = [];
    private readonly List<LocalDelivery> _deadLettered = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _signal = new(0);
    private bool _validated;
    private int _inFlight;

    /// <summary>Tests: a delivery attempt fails with this status instead of reaching the app while it returns one.</summary>
    public Func<string, int?>? FailDelivery { get; set; }

    public IReadOnlyList<LocalDelivery> Delivered { get { lock (_gate) { return [.. _delivered]; } } }

    public IReadOnlyList<LocalDelivery> DeadLettered { get { lock (_gate) { return [.. _deadLettered]; } } }

    /// <summary>How many events the publisher sent (batches counted per event).</summary>
    public int Published { get; private set; }

    /// <summary>Whether the subscription passed the CloudEvents handshake.</summary>
    public bool Validated => _validated;

    /// <summary>Completes once nothing is pending or being delivered (tests wait on it instead of sleeping).</summary>
    public async Task WhenIdleAsync(CancellationToken ct)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_pending.Count == 0 && _inFlight == 0)
                {
                    return;
                }
            }

            await Task.Delay(10, ct);
        }
    }

    /// <summary>POST /eventgrid/api/events: what EventGridPublisherClient sends (a JSON array of CloudEvents).</summary>
    public async Task<IResult> PublishAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Headers["aeg-sas-key"].ToString() != configuration[SettingNames.EventGridTopicKey])
        {
            return Results.Unauthorized();
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        try
        {
            CloudEventJson.ParseBatch(buffer.ToArray());
        }
        catch (Core.Errors.LiveShopException e)
        {
            return Results.BadRequest(e.Message);
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        var items = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.EnumerateArray().ToList() : [document.RootElement];
        lock (_gate)
        {
            foreach (var item in items)
            {
                Published++;
                var type = item.GetProperty("type").GetString()!;
                if (handler.Types.Contains(type))
                {
                    _pending.Add(new Pending(item.GetProperty("id").GetString()!, type, item.GetRawText(), DateTimeOffset.UtcNow));
                }
            }
        }

        _signal.Release();
        return Results.Ok();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Pending? next;
            TimeSpan wait;
            lock (_gate)
            {
                var now = DateTimeOffset.UtcNow;
                var due = _pending.Where(p => p.DueAt <= now).ToList();

                // Unordered, as Event Grid: any due event may go first.
                next = due.Count == 0 ? null : due[Random.Shared.Next(due.Count)];
                if (next is not null)
                {
                    _pending.Remove(next);
                    _inFlight++;
                }

                wait = _pending.Count == 0 ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(Math.Clamp((_pending.Min(p => p.DueAt) - now).TotalMilliseconds, 1, 1000));
            }

            if (next is null)
            {
                await _signal.WaitAsync(wait, stoppingToken);
                continue;
            }

            try
            {
                await DeliverAsync(next, stoppingToken);
            }
            finally
            {
                lock (_gate)
                {
                    _inFlight--;
                }
            }
        }
    }

    private async Task DeliverAsync(Pending pending, CancellationToken ct)
    {
        var attempt = pending.Attempts + 1;
        int? status;
        try
        {
            status = FailDelivery?.Invoke(pending.Id) ?? await SendAsync(pending, ct);
        }
        catch (HttpRequestException e)
        {
            logger.LogInformation(e, "Event Grid stand-in: delivery of {Id} failed", pending.Id);
            status = null;
        }

        lock (_gate)
        {
            if (status is >= 200 and < 300)
            {
                _delivered.Add(new LocalDelivery(pending.Id, pending.Type, attempt, status));
            }
            else if ((status is { } s && NotRetried.Contains(s)) || attempt >= MaxAttempts)
            {
                _deadLettered.Add(new LocalDelivery(pending.Id, pending.Type, attempt, status));
            }
            else
            {
                // Exponential backoff (Event Grid's own schedule starts at 10 s; the stand-in is quicker so tests stay short).
                var delay = TimeSpan.FromMilliseconds(Math.Min(20 * Math.Pow(2, attempt - 1), 2000));
                _pending.Add(pending with { Attempts = attempt, DueAt = DateTimeOffset.UtcNow + delay });
            }
        }
    }

    private async Task<int> SendAsync(Pending pending, CancellationToken ct)
    {
        using var client = clients.CreateClient(nameof(LocalEventGridTopic));
        var url = new Uri(LocalRunnerApp.SelfAddress(server), $"/{HostJson.Prefix}/{Routes.EventGridDeliveries}?{EventGridFunctions.KeyParameter}={Uri.EscapeDataString(DeliveryKey)}");
        if (!_validated)
        {
            using var handshake = new HttpRequestMessage(HttpMethod.Options, url);
            handshake.Headers.TryAddWithoutValidation("WebHook-Request-Origin", "eventgrid.azure.net");
            using var answer = await client.SendAsync(handshake, ct);
            if (!answer.IsSuccessStatusCode || !answer.Headers.TryGetValues("WebHook-Allowed-Origin", out var allowed)
                || !allowed.Any(a => a is "*" or "eventgrid.azure.net"))
            {
                logger.LogWarning("Event Grid stand-in: the handler refused the CloudEvents handshake ({Status})", (int)answer.StatusCode);
                return 503; // not delivered; tried again later, as Event Grid keeps the subscription from delivering
            }

            _validated = true;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent($"[{pending.Json}]", System.Text.Encoding.UTF8, "application/cloudevents-batch+json"),
        };
        request.Headers.TryAddWithoutValidation("aeg-event-type", "Notification");
        request.Headers.TryAddWithoutValidation("aeg-delivery-count", pending.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await client.SendAsync(request, ct);
        return (int)response.StatusCode;
    }

    private string DeliveryKey => (configuration[SettingNames.EventGridDeliveryKey] ?? string.Empty).Split(',')[0].Trim();

    private sealed record Pending(string Id, string Type, string Json, DateTimeOffset DueAt, int Attempts = 0);
}

using System.Net.Sockets;
using System.Text.Json;
using LiveShop.Core.Live;
using LiveShop.Functions.Http;
using LiveShop.LocalRunner.LocalSignalR;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace LiveShop.EndToEndTests;

/// <summary>
/// A real .NET SignalR client of a stream, as a viewer app builds it: withUrl("{runner}/api/streams/{streamId}"), so it
/// negotiates with the app and connects to the runner's SignalR stand-in with the token the app issued. It keeps every
/// message it receives, and can drop its network connection without closing it.
/// </summary>
public sealed class LiveClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly List<(string Method, JsonElement Message)> _received = [];
    private readonly List<Socket> _sockets = [];
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LiveClient(HubConnection connection) => Connection = connection;

    public HubConnection Connection { get; }

    public string ConnectionId => Connection.ConnectionId ?? throw new InvalidOperationException("Not connected.");

    /// <summary>
    /// Connects to the stream (as the token's user, or anonymously) and, unless <paramref name="waitJoined"/> is false,
    /// waits until the app has put the connection in the stream's group (the service's upstream round trip).
    /// </summary>
    public static async Task<LiveClient> ConnectAsync(RunnerFixture runner, string streamId, string? token = null, bool waitJoined = true)
    {
        ArgumentNullException.ThrowIfNull(runner);
        LiveClient? client = null;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(runner.Client.BaseAddress!, RunnerFixture.Url(Routes.Format(Routes.Stream, streamId))), o =>
            {
                o.Transports = HttpTransportType.ServerSentEvents;
                if (token is not null)
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }

                // Every socket the client opens is kept, so Drop can cut them without a goodbye.
                o.HttpMessageHandlerFactory = _ => new SocketsHttpHandler { ConnectCallback = (context, ct) => client!.OpenAsync(context, ct) };
            })
            .Build();
        client = new LiveClient(connection);
        foreach (var method in LiveMethods.All)
        {
            connection.On<JsonElement>(method, message => client.Receive(method, message));
        }

        await connection.StartAsync().WaitAsync(Timeout);
        if (waitJoined)
        {
            await runner.App.Services.GetRequiredService<LocalSignalRService>()
                .WhenJoinedAsync(client.ConnectionId, LiveGroups.Stream(streamId)).WaitAsync(Timeout);
        }

        return client;
    }

    /// <summary>Every message received so far of <paramref name="method"/>.</summary>
    public IReadOnlyList<JsonElement> Received(string method)
    {
        lock (_received)
        {
            return _received.Where(r => r.Method == method).Select(r => r.Message).ToList();
        }
    }

    /// <summary>The first message of <paramref name="method"/> (received or to come) that matches; fails after <see cref="Timeout"/>.</summary>
    public async Task<JsonElement> NextAsync(string method, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? Timeout);
        while (true)
        {
            Task arrived;
            lock (_received)
            {
                foreach (var (m, message) in _received)
                {
                    if (m == method && (match is null || match(message)))
                    {
                        return message;
                    }
                }

                arrived = _arrived.Task;
            }

            try
            {
                await arrived.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching '{method}' message within {(timeout ?? Timeout).TotalSeconds:0} s; received: {Describe()}");
            }
        }
    }

    /// <summary>Cuts the client's network connections at once (a reset, no close): the server sees the client drop.</summary>
    public void Drop()
    {
        lock (_sockets)
        {
            foreach (var socket in _sockets.Where(s => s.Connected))
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                }
                catch (ObjectDisposedException)
                {
                    // Closed by the client's pool meanwhile.
                }
            }
        }
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    private async ValueTask<Stream> OpenAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        lock (_sockets)
        {
            _sockets.Add(socket);
        }

        return new NetworkStream(socket, ownsSocket: true);
    }

    private void Receive(string method, JsonElement message)
    {
        TaskCompletionSource arrived;
        lock (_received)
        {
            _received.Add((method, message.Clone()));
            arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
    }

    private string Describe()
    {
        lock (_received)
        {
            return _received.Count == 0 ? "nothing" : string.Join("; ", _received.Select(r => $"{r.Method} {r.Message.GetRawText()}"));
        }
    }
}

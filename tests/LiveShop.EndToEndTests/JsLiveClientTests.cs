using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.Json;
using LiveShop.Core.Live;
using LiveShop.Core.Streams;
using LiveShop.Functions.Http;
using LiveShop.LocalCosmosServer;
using LiveShop.LocalRunner.LocalSignalR;
using Microsoft.Extensions.DependencyInjection;

namespace LiveShop.EndToEndTests;

/// <summary>
/// The official JavaScript client (@microsoft/signalr, under Node) against the runner: it negotiates with the app, connects
/// to the stand-in with the app's token and receives the pin card, as a browser viewer page would.
/// </summary>
[Collection(LiveRunnerCollection.Name)]
public sealed class JsLiveClientTests(RunnerFixture runner)
{
    [Fact]
    public async Task JavaScriptClient_NegotiatesWithTheApp_AndReceivesThePinCard()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant, "uk");
        await using var client = await JsClient.StartAsync(new Uri(runner.Client.BaseAddress!, RunnerFixture.Url(Routes.Format(Routes.Stream, stream))), runner.ViewerToken(RunnerFixture.NewViewerId()));
        var connected = await client.NextAsync("connected");
        await runner.App.Services.GetRequiredService<LocalSignalRService>()
            .WhenJoinedAsync(connected.GetProperty("connectionId").GetString()!, LiveGroups.Stream(stream)).WaitAsync(LiveClient.Timeout);

        using var pinned = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamPin, stream), runner.MerchantToken(merchant), new PinInput(product, null));

        Assert.Equal(HttpStatusCode.OK, pinned.StatusCode);
        var card = (await client.NextAsync(LiveMethods.Pinned)).GetProperty("message");
        Assert.Equal((stream, product, "shirt-s"), (card.GetProperty("streamId").GetString(), card.GetProperty("productId").GetString(), card.GetProperty("skuId").GetString()));
    }

    /// <summary>client.mjs under Node; its JSON lines are read as they come.</summary>
    private sealed class JsClient : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly List<JsonElement> _lines = [];
        private readonly SemaphoreSlim _arrived = new(0);

        private JsClient(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { Length: > 0 } line)
                {
                    lock (_lines)
                    {
                        _lines.Add(JsonDocument.Parse(line).RootElement.Clone());
                    }

                    _arrived.Release();
                }
            };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public static async Task<JsClient> StartAsync(Uri url, string token)
        {
            var directory = typeof(JsLiveClientTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "JsClientDirectory").Value!;
            await ChildProcess.EnsureNpmPackagesAsync(directory, Path.Combine("@microsoft", "signalr", "package.json"));
            return new JsClient(ChildProcess.Start("node", ["client.mjs", url.AbsoluteUri, token], directory));
        }

        /// <summary>The first line of <paramref name="name"/> (printed or to come); fails after a generous timeout.</summary>
        public async Task<JsonElement> NextAsync(string name)
        {
            using var timeout = new CancellationTokenSource(LiveClient.Timeout);
            while (true)
            {
                lock (_lines)
                {
                    var failed = _lines.FirstOrDefault(l => l.GetProperty("event").GetString() == "failed");
                    Assert.True(failed.ValueKind == JsonValueKind.Undefined, $"The JavaScript client failed: {failed}");
                    var found = _lines.FirstOrDefault(l => l.GetProperty("event").GetString() == name);
                    if (found.ValueKind != JsonValueKind.Undefined)
                    {
                        return found;
                    }
                }

                await _arrived.WaitAsync(timeout.Token);
            }
        }

        public async ValueTask DisposeAsync()
        {
            using (_process)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _arrived.Dispose();
        }
    }
}

using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Kubernetes.Tests.Api;

/// <summary>Reads a watch response line by line in the background, as a client library would.</summary>
internal sealed class WatchStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Task _reader;

    private WatchStream(HttpResponseMessage response)
    {
        _response = response;
        _reader = Task.Run(async () =>
        {
            try
            {
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
                while (await reader.ReadLineAsync() is { } line)
                {
                    Events.Enqueue(JsonNode.Parse(line)!.AsObject());
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException or ObjectDisposedException or OperationCanceledException)
            {
                // the test closed the stream
            }
            finally
            {
                Ended = true;
            }
        });
    }

    public ConcurrentQueue<JsonObject> Events { get; } = new();

    public volatile bool Ended;

    public HttpResponseMessage Response => _response;

    public IEnumerable<string> Types => Events.Select(e => e["type"]!.GetValue<string>());

    public static async Task<WatchStream> OpenAsync(HttpClient http, string url)
    {
        var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return new WatchStream(response);
    }

    public async ValueTask DisposeAsync()
    {
        _response.Dispose();
        await _reader;
    }
}

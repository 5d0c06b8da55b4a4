using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OutputMonitor.Web.Api;

/// <summary>
/// Reads a JSON body with a hard size limit, whatever the server (Kestrel's own limit is 30 MB, and
/// the test server has none): too large is 413, not JSON is 415, malformed is 400 naming where.
/// </summary>
public static class RequestBody
{
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadJsonAsync<T>(HttpRequest request, long maxBytes, JsonSerializerOptions options)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "The body must be JSON (Content-Type: application/json)."));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        var reader = request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync(request.HttpContext.RequestAborted);
            if (read.Buffer.Length > maxBytes)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return (null, TooLarge(maxBytes));
            }

            if (read.IsCompleted)
            {
                break;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        try
        {
            var json = new Utf8JsonReader(read.Buffer, new JsonReaderOptions { MaxDepth = options.MaxDepth, CommentHandling = options.ReadCommentHandling, AllowTrailingCommas = options.AllowTrailingCommas });
            return JsonSerializer.Deserialize<T>(ref json, options) is { } value
                ? (value, null)
                : (null, Problems.BadField("$", "At $: the body must be a JSON object.", "Malformed JSON"));
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadField(ex.Path ?? "$", $"At {ex.Path ?? "$"}: {Problems.Clip(ex.Message)}", "Malformed JSON"));
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
    }

    public static ProblemHttpResult TooLarge(long maxBytes) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Body too large",
        detail: $"The body may be at most {maxBytes} bytes.");
}

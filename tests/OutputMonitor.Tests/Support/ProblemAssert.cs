using System.Net;
using System.Text.Json;

namespace OutputMonitor.Tests.Support;

public static class ProblemAssert
{
    /// <summary>The response is an RFC 7807 problem with the expected status.</summary>
    public static void Is(HttpStatusCode expected, HttpResponseMessage response)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The response is a 400 problem naming <paramref name="field"/> as the parameter at fault.</summary>
    public static async Task NamesFieldAsync(string field, HttpResponseMessage response)
    {
        Is(HttpStatusCode.BadRequest, response);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(field, json.RootElement.GetProperty("field").GetString());
    }
}

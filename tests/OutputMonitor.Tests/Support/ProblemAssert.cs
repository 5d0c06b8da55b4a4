using System.Net;

namespace OutputMonitor.Tests.Support;

public static class ProblemAssert
{
    /// <summary>The response is an RFC 7807 problem with the expected status.</summary>
    public static void Is(HttpStatusCode expected, HttpResponseMessage response)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

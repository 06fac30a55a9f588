import Foundation
import Hummingbird

/// Counts every answered request by route (the matched pattern, e.g.
/// `/v1/items/{id}/similar`, or `NotFound`), method and status, and records its
/// latency, into ``ServeMetrics``. Sits outside ``JSONErrorMiddleware``, so it
/// sees the final status of every request, errors included.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServeMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let response = try await next(request, context)
        let elapsed = DispatchTime.now().uptimeNanoseconds &- start
        // Labels stay few whatever clients send: route patterns, known methods, status codes.
        let method = knownMethods.contains(request.method.rawValue) ? request.method.rawValue : "other"
        metrics.record(route: context.endpointPath ?? "NotFound", method: method,
                       status: response.status.code, nanoseconds: Int64(clamping: elapsed))
        return response
    }
}

/// Methods counted under their own name; others count as `other`.
private let knownMethods: Set<String> = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"]

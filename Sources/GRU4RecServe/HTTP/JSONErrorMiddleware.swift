import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Turns every error a route throws into a JSON answer `{"error": "..."}`:
/// ``APIError`` as it is; Hummingbird's errors (unknown route, body too large,
/// ...) with their status and a sentence; anything else as 500 (logged), so
/// a failing request never takes the server down with it.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return APIError.jsonResponse(status: error.status, message: error.message)
        } catch is NIOTooManyBytesError {
            return APIError.jsonResponse(status: .contentTooLarge, message: "request body too large")
        } catch let error as HTTPError {
            let message: String
            switch error.status {
            case .notFound: message = "no route \(request.method) \(request.uri.path)"
            case .methodNotAllowed: message = "method \(request.method) not allowed on \(request.uri.path)"
            case .contentTooLarge: message = "request body too large"
            default: message = error.body ?? error.status.reasonPhrase
            }
            return APIError.jsonResponse(status: error.status, message: message)
        } catch let error as any HTTPResponseError {
            return APIError.jsonResponse(status: error.status, message: error.status.reasonPhrase)
        } catch {
            context.logger.error("request failed", metadata: ["uri": "\(request.uri)", "error": "\(error)"])
            return APIError.jsonResponse(status: .internalServerError, message: "internal error: \(error)")
        }
    }
}

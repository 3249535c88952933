import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Carries out an IVR `http` node: the request with the caller's variables filled in, and the
/// JSON answer flattened into variables.
enum WebLookup {
    /// The outcome: the variables the answer sets, or why there are none.
    static func run(_ lookup: IVRHTTPLookup, variables: [String: String]) async -> Result<[String: String], WebLookupError> {
        guard let url = URL(string: TemplateText.fill(lookup.url, variables, encode: true)) else {
            return .failure(WebLookupError("the URL \(lookup.url) is not valid once filled in"))
        }
        var request = URLRequest(url: url, timeoutInterval: Double(lookup.timeoutMilliseconds) / 1000)
        request.httpMethod = lookup.method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if lookup.method == "POST" {
            let body = lookup.body.mapValues { TemplateText.fill($0, variables) }
            request.httpBody = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        // A constant copy for the request task (the var cannot be sent).
        let sealed = request
        do {
            (data, response) = try await withThrowingTaskGroup(of: (Data, URLResponse).self) { group in
                group.addTask { try await URLSession.shared.data(for: sealed) }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(lookup.timeoutMilliseconds))
                    throw WebLookupError("no answer within \(lookup.timeoutMilliseconds) ms")
                }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
        } catch let error as WebLookupError {
            return .failure(error)
        } catch {
            return .failure(WebLookupError("\(url.host ?? "the service"): \(error.localizedDescription)"))
        }
        guard let status = (response as? HTTPURLResponse)?.statusCode, (200..<300).contains(status) else {
            return .failure(WebLookupError("the service answered status \((response as? HTTPURLResponse)?.statusCode ?? 0)"))
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            return .failure(WebLookupError("the answer is not a JSON object"))
        }
        var out: [String: String] = [:]
        flatten(object, prefix: lookup.variable.isEmpty ? "" : lookup.variable + ".", into: &out)
        return .success(out)
    }

    static func flatten(_ value: Any, prefix: String, into out: inout [String: String]) {
        switch value {
        case let object as [String: Any]:
            for (k, v) in object { flatten(v, prefix: prefix + k + ".", into: &out) }
        case let number as NSNumber:
            out[String(prefix.dropLast())] = number.stringValue
        case let s as String:
            out[String(prefix.dropLast())] = s
        default:
            break
        }
    }
}

/// Why a web lookup gave no answer.
struct WebLookupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

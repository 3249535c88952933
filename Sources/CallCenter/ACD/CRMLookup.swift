/// Asks the customer's CRM about a caller as they enter a queue: an HTTP GET of `url` with
/// `{caller}` filled in, answered with JSON such as `{"priority": 5, "account_manager": "1002"}`.
/// A slow or failing CRM never holds a caller up: they wait with what is known meanwhile.
public struct CRMLookup: Sendable, Equatable {
    public var url: String
    public var timeoutMilliseconds: Int

    public init(url: String, timeoutMilliseconds: Int = 1000) {
        self.url = url
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// What the CRM said of a caller.
    public struct Answer: Sendable, Equatable {
        /// Higher first; nil when the CRM gave none.
        public var priority: Int?
        /// The caller's dedicated agent, for the `account-manager` preference.
        public var accountManager: String?

        public init(priority: Int? = nil, accountManager: String? = nil) {
            self.priority = priority
            self.accountManager = accountManager
        }

        /// The answer in the variables a lookup flattened the JSON into; `vip: true` counts as priority 5.
        init(_ variables: [String: String]) {
            priority = variables["priority"].flatMap { Int($0) } ?? (["1", "true"].contains(variables["vip"] ?? "") ? 5 : nil)
            accountManager = variables["account_manager"].flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// The CRM's answer about `caller`, or why there is none.
    public func lookup(caller: String) async -> Result<Answer, CRMLookupError> {
        let request = IVRHTTPLookup(url: url, method: "GET", body: [:], timeoutMilliseconds: timeoutMilliseconds,
                                    variable: "", next: "", onError: "")
        switch await WebLookup.run(request, variables: ["caller": caller]) {
        case let .success(variables): return .success(Answer(variables))
        case let .failure(error): return .failure(CRMLookupError(description: "CRM lookup of \(caller): \(error.description)"))
        }
    }
}

/// Why the CRM gave no answer about a caller.
public struct CRMLookupError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

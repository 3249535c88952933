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
        /// Everything else it said (`name`, `segment`, `address.city`...), for the agent's screen.
        public var fields: [String: String]

        public init(priority: Int? = nil, accountManager: String? = nil, fields: [String: String] = [:]) {
            self.priority = priority
            self.accountManager = accountManager
            self.fields = fields
        }

        /// The most fields shown from one answer, and the longest value: a CRM that answers
        /// with a whole record does not flood the screen pop and the queue log.
        static let maxFields = 32
        static let maxValueBytes = 200

        /// The answer in the variables a lookup flattened the JSON into; `vip: true` counts as priority 5.
        init(_ variables: [String: String]) {
            priority = variables["priority"].flatMap { Int($0) } ?? (["1", "true"].contains(variables["vip"] ?? "") ? 5 : nil)
            accountManager = variables["account_manager"].flatMap { $0.isEmpty ? nil : $0 }
            fields = Dictionary(uniqueKeysWithValues: variables
                .filter { !["priority", "vip", "account_manager"].contains($0.key) && !$0.value.isEmpty && $0.value.utf8.count <= Self.maxValueBytes }
                .sorted { $0.key < $1.key }.prefix(Self.maxFields).map { ($0.key, $0.value) })
        }

        /// How the queue log says it: `priority 3, account manager 1003; name Zhang San, segment gold`.
        public var summary: String {
            let known = [priority.map { "priority \($0)" }, accountManager.map { "account manager \($0)" }].compactMap { $0 }
            let rest = fields.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            return [known.joined(separator: ", "), rest.joined(separator: ", ")].filter { !$0.isEmpty }.joined(separator: "; ")
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

/// A routing rule as configuration writes it, turned into a `RoutingTable.Route` by `resolve`.
///
/// ```yaml
/// routes:
///   - { called: "95588", trunk_groups: [carrier], when: "mon-fri 08:00-18:00", timezone: Asia/Shanghai,
///       to: { app: ivr, arg: day } }
///   - { called: "_9.", trunk_groups: [stations], to: { trunk_group: pstn, strip: 1, prefix: "0" } }
///   - { called: "_8XXX", to: { station: stations } }
///   - { called: "*", to: { reject: 1 } }
/// ```
public struct RouteConfiguration: Sendable, Hashable, Codable {
    public var called: String
    public var calling: String?
    public var trunk_groups: [String]?
    /// Time windows (`mon-fri 08:30-18:00`); the route applies inside any of them.
    public var when: [String]?
    public var timezone: String?
    public var to: Target

    /// Where the route sends calls; exactly one field is set.
    public struct Target: Sendable, Hashable, Codable {
        public var app: String?
        public var arg: String?
        public var station: String?
        public var trunk_group: String?
        public var strip: Int?
        public var prefix: String?
        public var reject: Int?
    }

    public init(called: String, to: Target) {
        self.called = called
        self.to = to
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        called = try c.decode(String.self, forKey: .called)
        calling = try c.decodeIfPresent(String.self, forKey: .calling)
        trunk_groups = try c.decodeIfPresent([String].self, forKey: .trunk_groups)
        if let one = try? c.decodeIfPresent(String.self, forKey: .when) {
            when = [one]
        } else {
            when = try c.decodeIfPresent([String].self, forKey: .when)
        }
        timezone = try c.decodeIfPresent(String.self, forKey: .timezone)
        to = try c.decode(Target.self, forKey: .to)
    }

    /// The route, or every problem with it (`where` names the entry in messages).
    public func resolve(where place: String) -> Result<RoutingTable.Route, RouteConfigurationError> {
        var problems: [String] = []
        var calledPattern: NumberPattern?
        do { calledPattern = try NumberPattern(called) } catch { problems.append(error.description) }
        var callingPattern: NumberPattern?
        if let calling {
            do { callingPattern = try NumberPattern(calling) } catch { problems.append(error.description) }
        }
        var windows: [TimeWindow] = []
        for w in when ?? [] {
            do { windows.append(try TimeWindow(parsing: w, timeZone: timezone)) } catch { problems.append(error.description) }
        }
        let destination: Destination?
        let set = [to.app != nil, to.station != nil, to.trunk_group != nil, to.reject != nil].filter { $0 }.count
        if set != 1 {
            problems.append("'to' needs exactly one of app, station, trunk_group, reject")
            destination = nil
        } else if let app = to.app {
            destination = .application(name: app, argument: to.arg)
        } else if let station = to.station {
            destination = .station(station)
        } else if let group = to.trunk_group {
            if let strip = to.strip, strip < 0 { problems.append("strip must not be negative") }
            if let prefix = to.prefix, !prefix.allSatisfy({ "0123456789*#".contains($0) }) {
                problems.append("prefix \"\(prefix)\" is not digits")
            }
            destination = .trunkGroup(group, rewrite: NumberRewrite(stripLeading: max(0, to.strip ?? 0), prefix: to.prefix ?? ""))
        } else if let code = to.reject, let cause = Q850Cause(rawValue: code) {
            destination = .reject(cause)
        } else {
            problems.append("reject \(to.reject ?? 0) is not a Q.850 cause (1-127)")
            destination = nil
        }
        guard problems.isEmpty, let calledPattern, let destination else {
            return .failure(RouteConfigurationError(place: place, problems: problems))
        }
        return .success(RoutingTable.Route(trunkGroups: Set(trunk_groups ?? []), called: calledPattern,
                                           calling: callingPattern, windows: windows, destination: destination,
                                           origin: place))
    }
}

/// What is wrong with one configured route.
public struct RouteConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let place: String
    public let problems: [String]
    public var description: String { problems.map { place.isEmpty ? $0 : "\(place): \($0)" }.joined(separator: "\n") }
}

extension RoutingTable {
    /// A table from configured routes; every route's problems are collected.
    public static func resolve(_ routes: [RouteConfiguration], file: String) -> Result<RoutingTable, RouteConfigurationError> {
        var out: [RoutingTable.Route] = []
        var problems: [String] = []
        for (i, r) in routes.enumerated() {
            switch r.resolve(where: "\(file): routes[\(i)] (\(r.called))") {
            case .success(let route): out.append(route)
            case .failure(let e): problems += e.description.split(separator: "\n").map(String.init)
            }
        }
        guard problems.isEmpty else { return .failure(RouteConfigurationError(place: "", problems: problems)) }
        return .success(RoutingTable(routes: out))
    }
}

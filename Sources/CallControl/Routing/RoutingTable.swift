/// The routing table: ordered rules mapping trunk group + called number (DNIS) + time of day to
/// a destination. The first rule that matches wins, as operators read a dial plan top to bottom.
public struct RoutingTable: Sendable, Hashable {
    /// One rule.
    public struct Route: Sendable, Hashable {
        /// Trunk groups the call must arrive on; empty means any.
        public var trunkGroups: Set<String>
        public var called: NumberPattern
        /// When set, the calling number must match too (VIP lines, blocked prefixes).
        public var calling: NumberPattern?
        /// When set, the route applies only inside one of these windows.
        public var windows: [TimeWindow]
        public var destination: Destination
        /// Where the rule came from, for error messages and `explain`.
        public var origin: String

        public init(trunkGroups: Set<String> = [], called: NumberPattern, calling: NumberPattern? = nil,
                    windows: [TimeWindow] = [], destination: Destination, origin: String = "") {
            self.trunkGroups = trunkGroups
            self.called = called
            self.calling = calling
            self.windows = windows
            self.destination = destination
            self.origin = origin
        }

        func applies(trunkGroup: String, called number: String, calling: String?, at time: WallTime,
                     holidays: HolidayCalendar) -> Bool {
            guard trunkGroups.isEmpty || trunkGroups.contains(trunkGroup) else { return false }
            guard called.matches(number) else { return false }
            if let pattern = self.calling, !pattern.matches(calling ?? "") { return false }
            return windows.isEmpty || windows.contains { $0.contains(time, holidays: holidays) }
        }
    }

    public var routes: [Route]
    /// The days `holiday` windows apply on.
    public var holidays: HolidayCalendar

    public init(routes: [Route] = [], holidays: HolidayCalendar = HolidayCalendar()) {
        self.routes = routes
        self.holidays = holidays
    }

    /// What to do with a call, given what is known of its number so far.
    public enum Decision: Sendable, Equatable {
        case route(Destination, origin: String)
        /// The number is not known to be complete and a longer one could match a rule (overlap
        /// receiving): wait for more digits or for the end of the number.
        case needMoreDigits
        /// No route matches and none could.
        case noRoute
    }

    public func decide(trunkGroup: String, called: String, calling: String?, complete: Bool, at time: WallTime) -> Decision {
        // With overlap, wait while a longer number could still match a rule, the one this number
        // matches included: the destination needs the whole number, not the digits so far.
        if !complete, routes.contains(where: {
            ($0.trunkGroups.isEmpty || $0.trunkGroups.contains(trunkGroup)) && $0.called.couldMatch(afterMore: called)
        }) {
            return .needMoreDigits
        }
        if let route = routes.first(where: { $0.applies(trunkGroup: trunkGroup, called: called, calling: calling, at: time, holidays: holidays) }) {
            return .route(route.destination, origin: route.origin)
        }
        return .noRoute
    }
}

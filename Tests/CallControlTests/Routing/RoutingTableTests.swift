import Testing
@testable import CallControl

@Suite("Routing table")
struct RoutingTableTests {
    let now = WallTime(secondsSince1970: 1_795_435_200)

    func table() throws -> RoutingTable {
        RoutingTable(routes: [
            .init(trunkGroups: ["carrier"], called: try NumberPattern("95588"), calling: try NumberPattern("_1390000000X"),
                  destination: .application(name: "vip", argument: nil), origin: "vip"),
            .init(trunkGroups: ["carrier"], called: try NumberPattern("95588"),
                  windows: [try TimeWindow(parsing: "mon-fri 08:00-18:00", timeZone: "UTC")],
                  destination: .application(name: "ivr", argument: "day"), origin: "day"),
            .init(trunkGroups: ["carrier"], called: try NumberPattern("95588"),
                  destination: .application(name: "ivr", argument: "night"), origin: "night"),
            .init(trunkGroups: ["stations"], called: try NumberPattern("_9."), destination: .trunkGroup("pstn", rewrite: NumberRewrite(stripLeading: 1, prefix: "0")),
                  origin: "out"),
            .init(called: try NumberPattern("_95588X"), destination: .reject(.callRejected), origin: "longer"),
        ])
    }

    @Test("first match wins, by trunk group, calling number and time of day")
    func firstMatch() throws {
        let t = try table()
        #expect(t.decide(trunkGroup: "carrier", called: "95588", calling: "13900000001", complete: true, at: now)
            == .route(.application(name: "vip", argument: nil), origin: "vip"))
        #expect(t.decide(trunkGroup: "carrier", called: "95588", calling: "13700000000", complete: true, at: now)
            == .route(.application(name: "ivr", argument: "day"), origin: "day"))
        let night = WallTime(secondsSince1970: now.secondsSince1970 + 10 * 3600)
        #expect(t.decide(trunkGroup: "carrier", called: "95588", calling: nil, complete: true, at: night)
            == .route(.application(name: "ivr", argument: "night"), origin: "night"))
        #expect(t.decide(trunkGroup: "stations", called: "95588", calling: nil, complete: true, at: now)
            == .route(.trunkGroup("pstn", rewrite: NumberRewrite(stripLeading: 1, prefix: "0")), origin: "out"))
        #expect(t.decide(trunkGroup: "other", called: "95588", calling: nil, complete: true, at: now) == .noRoute)
    }

    @Test("overlap: wait while a longer number could match, route once complete")
    func overlap() throws {
        let t = try table()
        #expect(t.decide(trunkGroup: "carrier", called: "955", calling: nil, complete: false, at: now) == .needMoreDigits)
        #expect(t.decide(trunkGroup: "carrier", called: "95588", calling: nil, complete: false, at: now) == .needMoreDigits,
                "95588X could still match")
        #expect(t.decide(trunkGroup: "carrier", called: "955881", calling: nil, complete: false, at: now)
            == .route(.reject(.callRejected), origin: "longer"))
        #expect(t.decide(trunkGroup: "carrier", called: "1", calling: nil, complete: false, at: now) == .noRoute)
        // A rule of open length waits for the whole number: it is what the destination dials.
        #expect(t.decide(trunkGroup: "stations", called: "96", calling: nil, complete: false, at: now) == .needMoreDigits)
        #expect(t.decide(trunkGroup: "stations", called: "9655", calling: nil, complete: true, at: now)
            == .route(.trunkGroup("pstn", rewrite: NumberRewrite(stripLeading: 1, prefix: "0")), origin: "out"))
    }

    @Test("rewriting strips and prefixes")
    func rewrite() {
        let r = NumberRewrite(stripLeading: 1, prefix: "0", type: .national)
        let out = r.apply(to: PartyNumber("913800000000", type: .unknown))
        #expect(out.digits == "013800000000")
        #expect(out.type == .national)
        #expect(NumberRewrite(stripLeading: 9).apply(to: PartyNumber("12")).digits == "")
    }
}

@Suite("Route configuration")
struct RouteConfigurationTests {
    @Test("configured routes become a table; every broken route is named with its problem")
    func resolve() throws {
        var good = RouteConfiguration(called: "_9.", to: .init(trunk_group: "pstn", strip: 1, prefix: "0"))
        good.trunk_groups = ["stations"]
        let table = try RoutingTable.resolve([good], file: "pstnd.yaml").get()
        #expect(table.routes.first?.destination == .trunkGroup("pstn", rewrite: NumberRewrite(stripLeading: 1, prefix: "0")))
        var bad = RouteConfiguration(called: "_1[", to: .init(app: "ivr", reject: 300))
        bad.when = ["mon-fry"]
        switch RoutingTable.resolve([good, bad], file: "pstnd.yaml") {
        case .success: Issue.record("a broken route was accepted")
        case .failure(let e):
            #expect(e.problems.count == 3)
            #expect(e.description.contains("pstnd.yaml: routes[1] (_1[)"))
            #expect(e.description.contains("exactly one of app"))
        }
    }
}

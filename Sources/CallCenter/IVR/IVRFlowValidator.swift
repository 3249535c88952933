/// Checks flows as a whole before any call enters them: targets that do not exist, nodes no
/// caller can reach, prompts the language does not have, and loops a caller could never leave
/// because no node on them takes a key. Each problem names the file and line.
public enum IVRFlowValidator {
    /// Targets every flow understands besides its own nodes.
    public static let keywords: Set<String> = ["back", "top"]

    /// `prompts`: the prompt names available, as `language/name` (`zh/welcome`); nil skips that check.
    public static func problems(_ flows: [IVRFlow], prompts: Set<String>?) -> [String] {
        var out: [String] = []
        var names: [String: IVRFlow] = [:]
        for flow in flows {
            if let other = names[flow.name] {
                out.append("\(flow.file):\(flow.line): flow \(flow.name) is also defined at \(other.file):\(other.line)")
            }
            names[flow.name] = flow
            out += problems(flow, prompts: prompts)
        }
        return out
    }

    static func problems(_ flow: IVRFlow, prompts: Set<String>?) -> [String] {
        var out: [String] = []
        func at(_ line: Int, _ message: String) { out.append("\(flow.file):\(line): flow \(flow.name): \(message)") }
        if !flow.start.isEmpty, flow.nodes[flow.start] == nil { at(flow.line, "start node \(flow.start) does not exist") }
        for node in flow.nodes.values.sorted(by: { $0.line < $1.line }) {
            for target in node.action.targets where flow.nodes[target] == nil && !keywords.contains(target) {
                at(node.line, target.isEmpty ? "node \(node.name) has an empty target"
                                             : "node \(node.name) leads to \(target), which does not exist")
            }
            if let prompts {
                for p in node.action.prompts where !prompts.contains("\(flow.language)/\(p)") {
                    at(node.line, "node \(node.name) plays \(p), which is not in sounds/\(flow.language)")
                }
            }
            if case let .menu(m) = node.action, m.choices.isEmpty { at(node.line, "menu \(node.name) has no choices") }
        }
        // Reachability from the start.
        var reached: Set<String> = []
        var stack = flow.nodes[flow.start] != nil ? [flow.start] : []
        while let name = stack.popLast() {
            guard reached.insert(name).inserted, let node = flow.nodes[name] else { continue }
            stack += node.action.targets.filter { flow.nodes[$0] != nil }
        }
        for node in flow.nodes.values.sorted(by: { $0.line < $1.line }) where !reached.contains(node.name) && !flow.start.isEmpty {
            at(node.line, "node \(node.name) cannot be reached from \(flow.start)")
        }
        // Loops through nodes that take no key: a caller would go round them for ever.
        for found in inputlessCycles(flow) {
            // Said from the node written first, as the reader meets it.
            let first = found.indices.min { (flow.nodes[found[$0]]?.line ?? 0) < (flow.nodes[found[$1]]?.line ?? 0) } ?? 0
            let cycle = Array(found[first...] + found[..<first])
            at(flow.nodes[cycle[0]]?.line ?? flow.line, "loop without input: \((cycle + [cycle[0]]).joined(separator: " -> "))")
        }
        return out
    }

    /// Cycles in the graph of nodes that take no key (`top` counts as an edge to the start).
    static func inputlessCycles(_ flow: IVRFlow) -> [[String]] {
        func edges(_ name: String) -> [String] {
            guard let node = flow.nodes[name], !node.action.takesInput else { return [] }
            return node.action.targets.map { $0 == "top" ? flow.start : $0 }.filter {
                flow.nodes[$0].map { !$0.action.takesInput } ?? false
            }
        }
        var state: [String: Int] = [:] // 1 on the path, 2 done
        var path: [String] = []
        var cycles: [[String]] = []
        func visit(_ name: String) {
            state[name] = 1
            path.append(name)
            for next in edges(name) {
                if state[next] == 1, let i = path.firstIndex(of: next) {
                    cycles.append(Array(path[i...]))
                } else if state[next] == nil {
                    visit(next)
                }
            }
            path.removeLast()
            state[name] = 2
        }
        for name in flow.nodes.keys.sorted() where state[name] == nil { visit(name) }
        return cycles
    }
}

// Limits on a YAML document, checked before anything walks it: its size in bytes, and the
// number of nodes it expands to. An alias shares its anchored node wherever it is used, so
// nine anchors each using the previous one nine times ("billion laughs") compose into a
// small tree that expands to 9⁹ nodes: composing is cheap, but every walk of the tree —
// serialising the resolved scenario for its hash, applying `--set`, decoding — visits each
// use. The count stops as soon as it passes the limit, so a check costs at most `maxNodes`
// visits. Nesting depth is bounded by libyaml itself (1000 levels, a located syntax error).

import Yams

public enum YAMLLimits {
    /// The largest scenario or sweep file read: 4 MiB (the largest shipped file is 7 KiB; a
    /// list of 4096 electrodes is 100 KiB).
    public static let maxBytes = 4 << 20
    /// The most nodes a document may expand to, aliases counted at every use.
    public static let maxNodes = 1_000_000

    /// The first node at which the expanded count passes `maxNodes`, or nil within the limit.
    public static func overExpanded(_ root: Node) -> Node? {
        var count = 0
        var stack: [Node] = [root]
        while let n = stack.popLast() {
            count += 1
            if count > maxNodes { return n }
            switch n {
            case let .mapping(m):
                for (k, v) in m { stack.append(k); stack.append(v) }
            case let .sequence(s):
                stack.append(contentsOf: s)
            case .scalar, .alias:
                break
            }
        }
        return nil
    }
}

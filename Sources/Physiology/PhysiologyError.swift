// PhysiologyError: what is wrong with a drug set-up (a dose of a drug without PK for the
// species, an unknown route, a bad concentration curve …), every fault in one message.

/// Problems found while building a physiology model; one line per fault.
public struct PhysiologyError: Error, Sendable, CustomStringConvertible {
    public var messages: [String]
    public init(_ messages: [String]) { self.messages = messages }
    public init(_ message: String) { self.messages = [message] }
    public var description: String { messages.joined(separator: "\n") }
}

// The one rule for a name that becomes a folder of run output (a scenario's `name`, a
// `--run-id`, an arm's name): one path component that every filesystem and shell script
// can hold — not empty, at most 200 bytes (ext4 allows 255, and a suffix is added), no `/`,
// no NUL or other control character, not `.` or `..` and no leading dot (hidden folders).

public enum FolderName {
    public static let maxBytes = 200

    /// Why `name` cannot be a folder name ("must …; got …"), or nil when it can.
    public static func problem(_ name: String) -> String? {
        let shown = String(reflecting: name.count > 60 ? String(name.prefix(60)) + "…" : name)
        if name.isEmpty { return "must not be empty" }
        if name.utf8.count > maxBytes { return "must be at most \(maxBytes) bytes; got \(name.utf8.count) (\(shown))" }
        if name.contains("/") { return "must be one folder name, without `/`; got \(shown)" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "must not contain control characters (NUL, line breaks, tabs); got \(shown)"
        }
        if name.hasPrefix(".") { return "must not start with a dot (`.`, `..` or a hidden folder); got \(shown)" }
        return nil
    }
}

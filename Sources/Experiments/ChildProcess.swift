// ChildProcess: one `neuroplast run` child started with posix_spawn, its stdout and stderr
// sent to files. posix_spawn (not Foundation's Process) so that the child gets default
// signal handlers and an empty signal mask even though the runner intercepts
// TERM/INT/USR1, and so that waiting is a plain waitpid on the runner's worker thread.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct ChildProcess {
    let pid: pid_t

    /// How a child ended.
    enum Exit: Equatable {
        case code(Int32)
        case signal(Int32)
    }

    /// Starts `executable` with `arguments`; stdin is /dev/null.
    static func spawn(_ executable: String, _ arguments: [String], stdout: String, stderr: String) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t(), empty = sigset_t()
        sigemptyset(&defaults); sigemptyset(&empty)
        for s in [SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGHUP, SIGPIPE] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attr, argv, environ)
        guard rc == 0 else { throw SweepError.io("cannot start \(executable): \(String(cString: strerror(rc)))") }
        return ChildProcess(pid: pid)
    }

    /// Blocks until the child ends.
    func wait() -> Exit {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .code(-1) }
        }
        let low = status & 0x7f
        return low == 0 ? .code((status >> 8) & 0xff) : .signal(low)
    }
}

/// The last `n` lines of a text file (reads at most the last 64 KiB).
func tailLines(_ path: String, _ n: Int) -> [String] {
    guard let h = FileHandle(forReadingAtPath: path) else { return [] }
    defer { try? h.close() }
    let size = (try? h.seekToEnd()) ?? 0
    try? h.seek(toOffset: size > 65_536 ? size - 65_536 : 0)
    let data = (try? h.readToEnd()) ?? Data()
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    return Array(lines.suffix(n))
}

import Synchronization

/// Runs work one at a time per key within this process, in arrival order, without blocking a thread. A key with no
/// work running holds no memory.
public final class KeyedSerialQueue<Key: Hashable & Sendable>: Sendable {
    /// For each key with work running, the tasks waiting for their turn.
    private let lines = Mutex<[Key: [CheckedContinuation<Void, Never>]]>([:])

    public init() {}

    /// Runs `body` once the work queued before it under `key` has finished.
    public func run<T: Sendable>(_ key: Key, _ body: () async throws -> T) async throws -> T {
        await enter(key)
        defer { leave(key) }
        return try await body()
    }

    private func enter(_ key: Key) async {
        await withCheckedContinuation { (turn: CheckedContinuation<Void, Never>) in
            let isFirst = lines.withLock { lines in
                guard lines[key] != nil else {
                    lines[key] = []
                    return true
                }
                lines[key]?.append(turn)
                return false
            }
            if isFirst { turn.resume() }
        }
    }

    private func leave(_ key: Key) {
        let next = lines.withLock { lines -> CheckedContinuation<Void, Never>? in
            guard let waiting = lines[key], !waiting.isEmpty else {
                lines[key] = nil
                return nil
            }
            lines[key] = Array(waiting.dropFirst())
            return waiting.first
        }
        next?.resume()
    }
}

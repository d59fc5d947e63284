/// Runs work one at a time per key within this process, in arrival order, without blocking a thread. A key with no
/// work running holds no memory.
public actor KeyedSerialQueue<Key: Hashable & Sendable> {
    /// For each key with work running, the tasks waiting for their turn.
    private var lines: [Key: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    /// Runs `body` once the work queued before it under `key` has finished.
    public nonisolated func run<T: Sendable>(_ key: Key, _ body: () async throws -> T) async throws -> T {
        await enter(key)
        do {
            let result = try await body()
            await leave(key)
            return result
        } catch {
            await leave(key)
            throw error
        }
    }

    private func enter(_ key: Key) async {
        guard lines[key] != nil else {
            lines[key] = []
            return
        }
        await withCheckedContinuation { lines[key, default: []].append($0) }
    }

    private func leave(_ key: Key) {
        guard let waiting = lines[key], let next = waiting.first else {
            lines[key] = nil
            return
        }
        lines[key] = Array(waiting.dropFirst())
        next.resume()
    }
}

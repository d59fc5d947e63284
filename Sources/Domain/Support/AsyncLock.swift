/// A task asked for a lock it already holds. Waiting would never end, so it fails instead: inside a transaction,
/// write through the repositories the transaction passes in.
public struct ReentrantLockError: Error, CustomStringConvertible {
    public var description: String {
        "a task asked for a lock it already holds (inside a transaction, use the repositories the transaction passes in)"
    }
}

/// A mutual-exclusion lock that can be held across suspension points, granted in arrival order.
///
/// Adapters use it to keep one writer inside a transaction while other tasks wait without blocking a thread.
public actor AsyncLock {
    /// The locks the current task (and its children) hold.
    @TaskLocal private static var held: [ObjectIdentifier] = []

    private var isLocked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    /// Runs `body` while holding the lock; throws `ReentrantLockError` if this task already holds it.
    public nonisolated func withLock<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let identity = ObjectIdentifier(self)
        guard !Self.held.contains(identity) else { throw ReentrantLockError() }
        await acquire()
        do {
            let result = try await Self.$held.withValue(Self.held + [identity]) { try await body() }
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        guard isLocked else {
            isLocked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            isLocked = false
        } else {
            // Ownership passes straight to the next waiter: the lock stays held.
            waiters.removeFirst().resume()
        }
    }
}

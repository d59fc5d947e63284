import CArgon2
import Glibc
import Synchronization

/// Argon2id's working memory (19 MiB per hash with the default parameters), mapped straight from the system.
///
/// Through the C library's `malloc`, a freed 19 MiB block stays in the arena of the hashing thread that used it for the
/// life of the process, one per hashing thread, even when no one signs in for days: `malloc` raises its threshold for
/// mapping large blocks after the first one is freed. Here each block is mapped once, kept while hashes keep coming
/// (a login flood reuses the same blocks and pays no page faults), and unmapped by `releaseIdle(unusedFor:)` once no
/// hash has started for a while.
final class Argon2Memory: Sendable {
    /// The blocks libargon2 asks for through `argon2Allocate` and gives back through `argon2Free`.
    static let shared = Argon2Memory()

    /// A mapping, its address kept as a number so the list can sit in a `Mutex`.
    private struct Block {
        let address: UInt
        let size: Int
    }

    private struct State {
        /// Mapped blocks not in use, waiting for the next hash. There are never more than hashes ran at once.
        var idle: [Block] = []
        /// When a hash last asked for a block.
        var lastTaken = ContinuousClock.now
    }

    private let state = Mutex(State())

    /// A block of `size` bytes: an idle one of that size, or a new mapping; nil when the system has no memory.
    func take(_ size: Int) -> UnsafeMutableRawPointer? {
        let reused = state.withLock { state -> UnsafeMutableRawPointer? in
            state.lastTaken = .now
            guard let index = state.idle.lastIndex(where: { $0.size == size }) else { return nil }
            return UnsafeMutableRawPointer(bitPattern: state.idle.remove(at: index).address)
        }
        if let reused { return reused }
        let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let address, address != MAP_FAILED else { return nil }
        return address
    }

    /// Keeps a block for the next hash (libargon2 has already wiped it).
    func giveBack(_ address: UnsafeMutableRawPointer, size: Int) {
        state.withLock { $0.idle.append(Block(address: UInt(bitPattern: address), size: size)) }
    }

    /// Unmaps every idle block, unless a hash asked for one within `quiet`; returns the bytes returned to the system.
    /// Blocking (a system call per block): call it from a hashing thread, never from the cooperative pool.
    @discardableResult
    func releaseIdle(unusedFor quiet: Duration = .zero, now: ContinuousClock.Instant = .now) -> Int {
        let blocks = state.withLock { state -> [Block] in
            guard now - state.lastTaken >= quiet else { return [] }
            defer { state.idle = [] }
            return state.idle
        }
        for block in blocks { munmap(UnsafeMutableRawPointer(bitPattern: block.address), block.size) }
        return blocks.reduce(0) { $0 + $1.size }
    }

    /// Bytes mapped and idle, kept for the next hash.
    var idleBytes: Int { state.withLock { $0.idle.reduce(0) { $0 + $1.size } } }
}

/// libargon2's allocation callback: a block of `Argon2Memory.shared`.
let argon2Allocate: allocate_fptr = { memory, size in
    guard let memory, let address = Argon2Memory.shared.take(size) else { return ARGON2_MEMORY_ALLOCATION_ERROR.rawValue }
    memory.pointee = address.assumingMemoryBound(to: UInt8.self)
    return ARGON2_OK.rawValue
}

/// libargon2's deallocation callback, after it wiped the block: back to `Argon2Memory.shared` for the next hash.
let argon2Free: deallocate_fptr = { memory, size in
    guard let memory else { return }
    Argon2Memory.shared.giveBack(UnsafeMutableRawPointer(memory), size: size)
}

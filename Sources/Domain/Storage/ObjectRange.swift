/// Which bytes of an object `get` returns, as an HTTP `Range` header can ask for them.
public enum ObjectRange: Sendable, Equatable {
    /// From byte `start` to byte `end` inclusive, or to the last byte when `end` is nil or past it.
    case bytes(start: Int64, end: Int64?)
    /// The last `count` bytes (the whole object when it is shorter).
    case suffix(count: Int64)

    /// The bytes selected from an object of `size` bytes, or nil when the range selects none of them.
    public func resolved(size: Int64) -> ClosedRange<Int64>? {
        switch self {
        case .bytes(let start, let end):
            guard start >= 0, start < size, end.map({ $0 >= start }) ?? true else { return nil }
            return start...min(end ?? size - 1, size - 1)
        case .suffix(let count):
            guard count > 0, size > 0 else { return nil }
            return max(0, size - count)...(size - 1)
        }
    }
}

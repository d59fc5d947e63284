import Foundation

/// Writes an `Encodable` body straight into a `JSONWriter`, so a response body is one `Encodable` declaration whose
/// field names are its coding keys, in declaration order. Portside's JSON conventions are applied on the way:
///
/// - `nil` is written as `null`, never left out (`encodeIfPresent` writes the key too), so clients can rely on
///   every documented key being there; a body that leaves a key out says so in its own `encode(to:)`;
/// - a `UUID` is a lowercase string, a `Date` an ISO-8601 UTC timestamp with milliseconds;
/// - a `Double` that is not finite is `null`;
/// - a `[String: Value]` dictionary is written with its keys sorted, so the output is stable.
///
/// Nothing is buffered: each value is written as the body encodes it.
enum JSONBodyEncoder {
    static func write(_ value: some Encodable, to json: inout JSONWriter) {
        let start = json.position
        let misplaced = withUnsafeMutablePointer(to: &json) { writer in
            // The state and its encoders live only for this call; none is kept by the bodies they encode.
            let state = JSONEncodingState(writer)
            state.write(value, in: JSONEncodingState.root, path: { .root })
            return state.misplaced
        }
        if misplaced {
            json.rewind(to: start)
            json.null()
        }
    }
}

/// A response body declared once, as an `Encodable` struct: its properties are its keys, in order.
typealias EncodableBody = JSONWritable & Encodable

/// Bodies that are `Encodable` are written through `JSONBodyEncoder` wherever a `JSONWritable` is expected.
extension JSONWritable where Self: Encodable {
    func write(to json: inout JSONWriter) {
        JSONBodyEncoder.write(self, to: &json)
    }
}

/// A key that some answers leave out altogether (not even `null`): an administrator's extra fields, a health check's
/// error when there is none.
enum Omittable<Value: Encodable>: Encodable {
    case omitted
    case present(Value)

    /// Present when `value` is not nil.
    init(ifPresent value: Value?) {
        self = value.map(Omittable.present) ?? .omitted
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .omitted:
            // `JSONBodyEncoder` leaves the key out; any other encoder gets a null.
            if let stream = encoder as? JSONStreamEncoder {
                stream.omit()
            } else {
                var container = encoder.singleValueContainer()
                try container.encodeNil()
            }
        case .present(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        }
    }
}

extension Omittable: Sendable where Value: Sendable {}

/// The writer and the containers still open on it. Writes are streamed, so a container is closed as soon as
/// something is written to one of its parents. A write to a container that is already closed (a hand-written
/// `encode(to:)` that goes back to a nested container) cannot be placed any more: the whole value is then
/// written as `null` rather than as a malformed or reordered document.
private final class JSONEncodingState {
    enum Open { case object, array }

    /// Where a container writes: the depth of its values and the identity of the object or array holding them.
    struct Slot {
        let depth: Int
        let token: Int
    }

    /// The root slot: the top-level value.
    static let root = Slot(depth: 0, token: 0)

    private let writer: UnsafeMutablePointer<JSONWriter>
    private var open: [(kind: Open, token: Int)] = []
    private var nextToken = 1
    /// Set when a write arrived for a container that had been closed.
    private(set) var misplaced = false

    init(_ writer: UnsafeMutablePointer<JSONWriter>) {
        self.writer = writer
    }

    /// A key written by a keyed container for a value that has not started yet: it is written with the value's first
    /// byte, or dropped when the value turns out to be `Omittable.omitted`.
    private var pendingKey: String?

    /// Whether `slot` can still be written to, closing every container deeper than it and writing a pending key.
    private func reach(_ slot: Slot) -> Bool {
        guard slot.depth == 0 || (open.count >= slot.depth && open[slot.depth - 1].token == slot.token) else {
            misplaced = true
            pendingKey = nil
            return false
        }
        close(downTo: slot.depth)
        if let key = pendingKey {
            writer.pointee.key(key)
            pendingKey = nil
        }
        return true
    }

    /// Closes every container deeper than `depth`.
    func close(downTo depth: Int) {
        while open.count > depth {
            switch open.removeLast().kind {
            case .object: writer.pointee.endObject()
            case .array: writer.pointee.endArray()
            }
        }
    }

    /// Opens an object or array as the next value in `slot`; returns the slot of its own values.
    func begin(_ kind: Open, in slot: Slot) -> Slot {
        let token = nextToken
        nextToken += 1
        guard reach(slot) else { return Slot(depth: slot.depth + 1, token: token) }
        switch kind {
        case .object: writer.pointee.beginObject()
        case .array: writer.pointee.beginArray()
        }
        open.append((kind, token))
        return Slot(depth: slot.depth + 1, token: token)
    }

    /// Writes one value in `slot`. The leaf types are told apart by type identity, which costs a comparison, not a
    /// dynamic cast; anything else is written through its own `encode(to:)`.
    func write<T: Encodable>(_ value: T, in slot: Slot, path: () -> CodingPath) {
        if T.self == String.self {
            string(unsafeBitCast(value, to: String.self), in: slot)
        } else if T.self == UUID.self {
            guard reach(slot) else { return }
            writer.pointee.uuid(unsafeBitCast(value, to: UUID.self))
        } else if T.self == Date.self {
            guard reach(slot) else { return }
            writer.pointee.timestamp(unsafeBitCast(value, to: Date.self))
        } else if T.self == Int.self {
            integer(unsafeBitCast(value, to: Int.self), in: slot)
        } else if T.self == Bool.self {
            bool(unsafeBitCast(value, to: Bool.self), in: slot)
        } else if T.self == Double.self {
            number(unsafeBitCast(value, to: Double.self), in: slot)
        } else if let number = value as? any FixedWidthInteger {
            guard reach(slot) else { return }
            writer.pointee.integer(number)
        } else if let single = value as? Float {
            number(Double(single), in: slot)
        } else if let dictionary = value as? any SortedJSONObject {
            dictionary.writeSorted(to: self, in: slot, path: path())
        } else {
            let encoder = JSONStreamEncoder(state: self, slot: slot, path: path())
            // Encoding into this writer cannot fail: every value has a JSON form here.
            try? value.encode(to: encoder)
            if encoder.omitted {
                pendingKey = nil
            } else if !encoder.wroteValue {
                // Nothing encoded at all: an empty object, as Foundation's encoder writes it.
                guard reach(slot) else { return }
                writer.pointee.beginObject()
                writer.pointee.endObject()
            }
            close(downTo: slot.depth)
        }
    }

    func string(_ value: String, in slot: Slot) {
        guard reach(slot) else { return }
        writer.pointee.string(value)
    }

    func integer(_ value: Int, in slot: Slot) {
        guard reach(slot) else { return }
        writer.pointee.integer(value)
    }

    func bool(_ value: Bool, in slot: Slot) {
        guard reach(slot) else { return }
        writer.pointee.bool(value)
    }

    func number(_ value: Double, in slot: Slot) {
        guard reach(slot) else { return }
        writer.pointee.number(value)
    }

    func writeNil(in slot: Slot) {
        guard reach(slot) else { return }
        writer.pointee.null()
    }

    /// Writes `key` now when its value follows at once, or keeps it for the value's first write.
    func key(_ key: String, in slot: Slot, deferred: Bool = false) {
        guard reach(slot) else { return }
        if deferred { pendingKey = key } else { writer.pointee.key(key) }
    }
}

/// A coding path, built only when something asks for it: bodies almost never do, and building one per field
/// would allocate an array per field.
final class CodingPath: Sendable {
    let parent: CodingPath?
    let key: (any CodingKey)?

    static let root = CodingPath(parent: nil, key: nil)

    init(parent: CodingPath?, key: (any CodingKey)?) {
        self.parent = parent
        self.key = key
    }

    func appending(_ key: any CodingKey) -> CodingPath {
        CodingPath(parent: self, key: key)
    }

    var keys: [any CodingKey] {
        var keys: [any CodingKey] = []
        var node: CodingPath? = self
        while let current = node {
            if let key = current.key { keys.append(key) }
            node = current.parent
        }
        return keys.reversed()
    }
}

/// A `[String: Value]` dictionary, written with its keys in sorted order.
private protocol SortedJSONObject {
    func writeSorted(to state: JSONEncodingState, in slot: JSONEncodingState.Slot, path: CodingPath)
}

extension Dictionary: SortedJSONObject where Key == String, Value: Encodable {
    fileprivate func writeSorted(to state: JSONEncodingState, in slot: JSONEncodingState.Slot, path: CodingPath) {
        let values = state.begin(.object, in: slot)
        for (key, value) in sorted(by: { $0.key < $1.key }) {
            state.key(key, in: values)
            state.write(value, in: values, path: { path.appending(JSONKey(key)) })
        }
        state.close(downTo: slot.depth)
    }
}

private struct JSONKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(_ string: String) {
        stringValue = string
        intValue = nil
    }

    init(stringValue: String) {
        self.init(stringValue)
    }

    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

final class JSONStreamEncoder: Encoder {
    fileprivate let state: JSONEncodingState
    /// Where this encoder's one value goes.
    fileprivate let slot: JSONEncodingState.Slot
    let path: CodingPath
    var codingPath: [any CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// The object or array this encoder opened; a second container request reuses it.
    private var opened: JSONEncodingState.Slot?
    private(set) var wroteValue = false
    /// Set by `Omittable.omitted`: the value and its key are left out.
    private(set) var omitted = false

    fileprivate init(state: JSONEncodingState, slot: JSONEncodingState.Slot, path: CodingPath) {
        self.state = state
        self.slot = slot
        self.path = path
    }

    /// Leaves this value, and the key it belongs to, out of the document.
    func omit() {
        omitted = !wroteValue
    }

    private func open(_ kind: JSONEncodingState.Open) -> JSONEncodingState.Slot {
        if let opened { return opened }
        let values = state.begin(kind, in: slot)
        opened = values
        wroteValue = true
        return values
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(JSONKeyedContainer<Key>(state: state, slot: open(.object), path: path))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        JSONUnkeyedContainer(state: state, slot: open(.array), path: path)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        wroteValue = true
        return JSONSingleValueContainer(state: state, slot: slot, path: path)
    }
}

private struct JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let state: JSONEncodingState
    let slot: JSONEncodingState.Slot
    let path: CodingPath
    var codingPath: [any CodingKey] { path.keys }

    mutating func encodeNil(forKey key: Key) {
        state.key(key.stringValue, in: slot)
        state.writeNil(in: slot)
    }

    mutating func encode(_ value: String, forKey key: Key) {
        state.key(key.stringValue, in: slot)
        state.string(value, in: slot)
    }

    mutating func encode(_ value: Int, forKey key: Key) {
        state.key(key.stringValue, in: slot)
        state.integer(value, in: slot)
    }

    mutating func encode(_ value: Bool, forKey key: Key) {
        state.key(key.stringValue, in: slot)
        state.bool(value, in: slot)
    }

    mutating func encode(_ value: Double, forKey key: Key) {
        state.key(key.stringValue, in: slot)
        state.number(value, in: slot)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) {
        // The key waits for the value's first byte, so an omitted value takes its key with it.
        state.key(key.stringValue, in: slot, deferred: true)
        state.write(value, in: slot, path: { path.appending(key) })
    }

    // `nil` is written as null rather than left out: Portside's bodies always carry their documented keys.
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) {
        if let value { encode(value, forKey: key) } else { encodeNil(forKey: key) }
    }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) { present(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) { present(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) { present(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) { present(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) { present(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) { present(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) { present(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) { present(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) { present(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) { present(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) { present(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) { present(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) { present(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) { present(value, key) }

    private mutating func present<T: Encodable>(_ value: T?, _ key: Key) {
        encodeIfPresent(value, forKey: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        state.key(key.stringValue, in: slot)
        let values = state.begin(.object, in: slot)
        return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(state: state, slot: values, path: path.appending(key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        state.key(key.stringValue, in: slot)
        return JSONUnkeyedContainer(state: state, slot: state.begin(.array, in: slot), path: path.appending(key))
    }

    mutating func superEncoder() -> any Encoder {
        superEncoder(forKey: Key(stringValue: "super")!)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        state.key(key.stringValue, in: slot, deferred: true)
        return JSONStreamEncoder(state: state, slot: slot, path: path.appending(key))
    }
}

private struct JSONUnkeyedContainer: UnkeyedEncodingContainer {
    let state: JSONEncodingState
    let slot: JSONEncodingState.Slot
    let path: CodingPath
    var codingPath: [any CodingKey] { path.keys }
    private(set) var count = 0

    init(state: JSONEncodingState, slot: JSONEncodingState.Slot, path: CodingPath) {
        self.state = state
        self.slot = slot
        self.path = path
    }

    mutating func encodeNil() {
        state.writeNil(in: slot)
        count += 1
    }

    mutating func encode<T: Encodable>(_ value: T) {
        let index = count
        state.write(value, in: slot, path: { path.appending(JSONKey(intValue: index)) })
        count += 1
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        count += 1
        return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(state: state, slot: state.begin(.object, in: slot), path: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        count += 1
        return JSONUnkeyedContainer(state: state, slot: state.begin(.array, in: slot), path: path)
    }

    mutating func superEncoder() -> any Encoder {
        count += 1
        return JSONStreamEncoder(state: state, slot: slot, path: path)
    }
}

private struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let state: JSONEncodingState
    let slot: JSONEncodingState.Slot
    let path: CodingPath
    var codingPath: [any CodingKey] { path.keys }

    mutating func encodeNil() {
        state.writeNil(in: slot)
    }

    mutating func encode<T: Encodable>(_ value: T) {
        state.write(value, in: slot, path: { path })
    }
}

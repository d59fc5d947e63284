import Foundation
import NIOCore

/// Something that writes itself as JSON straight into the response buffer. The envelope, which every response
/// carries, is written field by field here; the bodies inside it are `EncodableBody` declarations, written through
/// `JSONBodyEncoder` into the same buffer (benchmarks/README.md has the comparison).
protocol JSONWritable {
    func write(to json: inout JSONWriter)
}

/// A streaming JSON writer into a `ByteBuffer`: commas and quoting are handled, the caller supplies structure.
struct JSONWriter {
    private(set) var buffer: ByteBuffer
    private var needsComma = false

    init(capacity: Int = 512) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// Where the next write goes, to come back to with `rewind(to:)`.
    var position: (writerIndex: Int, needsComma: Bool) { (buffer.writerIndex, needsComma) }

    /// Forgets everything written since `position`.
    mutating func rewind(to position: (writerIndex: Int, needsComma: Bool)) {
        buffer.moveWriterIndex(to: position.writerIndex)
        needsComma = position.needsComma
    }

    mutating func beginObject() {
        separate()
        buffer.writeInteger(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func endObject() {
        buffer.writeInteger(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func beginArray() {
        separate()
        buffer.writeInteger(UInt8(ascii: "["))
        needsComma = false
    }

    mutating func endArray() {
        buffer.writeInteger(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes `"key":`; the next value written belongs to it.
    mutating func key(_ key: String) {
        separate()
        writeQuoted(key)
        buffer.writeInteger(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ value: String) {
        separate()
        writeQuoted(value)
        needsComma = true
    }

    mutating func integer(_ value: some BinaryInteger) {
        raw(String(value))
    }

    /// A finite number in Swift's shortest round-trip form; NaN and infinity have no JSON form and become null.
    mutating func number(_ value: Double) {
        value.isFinite ? raw(value.description) : null()
    }

    mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    mutating func null() {
        raw("null")
    }

    /// A quoted UUID in lowercase.
    mutating func uuid(_ id: UUID) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        id.writeLowercase(to: &buffer)
        buffer.writeInteger(UInt8(ascii: "\""))
        needsComma = true
    }

    /// A quoted ISO-8601 UTC timestamp with milliseconds.
    mutating func timestamp(_ date: Date) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        Timestamp.write(date, to: &buffer)
        buffer.writeInteger(UInt8(ascii: "\""))
        needsComma = true
    }

    mutating func value(_ value: (some JSONWritable)?) {
        guard let value else { return null() }
        value.write(to: &self)
    }

    mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    mutating func field(_ name: String, _ value: String?) {
        key(name)
        if let value { string(value) } else { null() }
    }

    mutating func field(_ name: String, _ value: Int) {
        key(name)
        integer(value)
    }

    mutating func field(_ name: String, _ value: Double) {
        key(name)
        number(value)
    }

    mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    mutating func field(_ name: String, _ value: (some JSONWritable)?) {
        key(name)
        self.value(value)
    }

    private mutating func raw(_ text: String) {
        separate()
        buffer.writeString(text)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { buffer.writeInteger(UInt8(ascii: ",")) }
    }

    private mutating func writeQuoted(_ text: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        let utf8 = text.utf8
        // Fast path: most strings need no escaping at all.
        let plain =
            utf8.withContiguousStorageIfAvailable { bytes in
                bytes.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
            } ?? utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        if plain {
            buffer.writeString(text)
        } else {
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): buffer.writeString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeString("\\\\")
                case UInt8(ascii: "\n"): buffer.writeString("\\n")
                case UInt8(ascii: "\r"): buffer.writeString("\\r")
                case UInt8(ascii: "\t"): buffer.writeString("\\t")
                case 0..<0x20:
                    let hex = String(byte, radix: 16)
                    buffer.writeString("\\u00" + (hex.count == 1 ? "0" + hex : hex))
                default: buffer.writeInteger(byte)
                }
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}

extension Array: JSONWritable where Element: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.beginArray()
        for element in self { element.write(to: &json) }
        json.endArray()
    }
}

extension Dictionary: JSONWritable where Key == String, Value: JSONWritable {
    /// Keys in sorted order, so the output is stable.
    func write(to json: inout JSONWriter) {
        json.beginObject()
        for key in keys.sorted() {
            json.field(key, self[key])
        }
        json.endObject()
    }
}

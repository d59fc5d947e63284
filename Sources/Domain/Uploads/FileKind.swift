/// A kind of file recognised from its first bytes ("magic numbers"). What a client says a file is never counts:
/// uploads are stored and served with the content type of the kind their bytes show.
public enum FileKind: String, Sendable, CaseIterable {
    case png
    case jpeg
    case gif
    case webp
    case pdf
    case zip
    case text

    /// How many leading bytes `sniff` looks at (fewer when the file is shorter).
    public static let sniffLength = 512

    /// The content type files of this kind are stored and served with.
    public var contentType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .pdf: "application/pdf"
        case .zip: "application/zip"
        case .text: "text/plain; charset=utf-8"
        }
    }

    /// Whether a browser may show files of this kind inline (images); everything else is served as a download.
    public var isImage: Bool {
        switch self {
        case .png, .jpeg, .gif, .webp: true
        case .pdf, .zip, .text: false
        }
    }

    /// The kind `prefix` (a file's first bytes, up to `sniffLength`) shows, or nil when it is none of them. Binary
    /// signatures are checked first; text is UTF-8 without control characters other than tab, line breaks and form
    /// feed (a multi-byte character cut off at the end of the prefix is allowed).
    public static func sniff(_ prefix: [UInt8]) -> FileKind? {
        let bytes = prefix.prefix(sniffLength)
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + signature.count && bytes.dropFirst(offset).starts(with: signature)
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if !bytes.isEmpty, isText(Array(bytes), cutOff: prefix.count > sniffLength) { return .text }
        return nil
    }

    private static func isText(_ bytes: [UInt8], cutOff: Bool) -> Bool {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        // Only a prefix of a longer file may end inside a character: drop up to three trailing bytes of one.
        if cutOff, let lead = body.lastIndex(where: { $0 & 0xC0 != 0x80 }), body[lead] >= 0xC0 {
            let needed = body[lead] >= 0xF0 ? 4 : body[lead] >= 0xE0 ? 3 : 2
            if body.endIndex - lead < needed { body = body[..<lead] }
        }
        guard let text = String(validating: body, as: UTF8.self) else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x09, 0x0A, 0x0C, 0x0D: true
            case 0x00...0x1F, 0x7F: false
            default: true
            }
        }
    }
}

import Domain
import Foundation
import Testing

/// Files are recognised by their first bytes, never by what the client says they are.
@Suite struct FileKindTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16]
    static let webp: [UInt8] = Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8)

    @Test func binarySignaturesAreRecognised() {
        #expect(FileKind.sniff(Self.png) == .png)
        #expect(FileKind.sniff(Self.jpeg) == .jpeg)
        #expect(FileKind.sniff(Array("GIF89a...".utf8)) == .gif)
        #expect(FileKind.sniff(Array("GIF87a...".utf8)) == .gif)
        #expect(FileKind.sniff(Self.webp) == .webp)
        #expect(FileKind.sniff(Array("%PDF-1.7\n".utf8)) == .pdf)
        #expect(FileKind.sniff([0x50, 0x4B, 0x03, 0x04, 20, 0]) == .zip)
        #expect(FileKind.sniff([0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18)) == .zip)
    }

    @Test func contentTypesAreTheCanonicalOnes() {
        #expect(FileKind.png.contentType == "image/png")
        #expect(FileKind.webp.contentType == "image/webp")
        #expect(FileKind.text.contentType == "text/plain; charset=utf-8")
        #expect(FileKind.allCases.filter(\.isImage) == [.png, .jpeg, .gif, .webp])
    }

    @Test func utf8TextWithoutControlCharactersIsText() {
        #expect(FileKind.sniff(Array("hello, wörld\r\n\ttabbed".utf8)) == .text)
        #expect(FileKind.sniff([0xEF, 0xBB, 0xBF] + Array("with a byte order mark".utf8)) == .text)
    }

    @Test func binaryOrControlCharactersAreNotText() {
        #expect(FileKind.sniff(Array("nul\u{0}inside".utf8)) == nil)
        #expect(FileKind.sniff(Array("escape \u{1B}[31m".utf8)) == nil)
        #expect(FileKind.sniff([0xC3, 0x28]) == nil, "invalid UTF-8")
        #expect(FileKind.sniff([]) == nil)
        #expect(FileKind.sniff(Array("<html><script>alert(1)</script>".utf8)) == .text, "HTML is only ever text/plain here")
    }

    @Test func aCharacterCutAtTheEndOfALongerFilesPrefixIsStillText() {
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: FileKind.sniffLength - 1) + Array("é".utf8) + Array("tail".utf8)
        #expect(FileKind.sniff(body) == .text)
        // The same cut in a whole (short) file is invalid UTF-8.
        #expect(FileKind.sniff(Array(body.prefix(FileKind.sniffLength))) == nil)
    }

    @Test func truncatedSignaturesAreNothing() {
        #expect(FileKind.sniff([0x89, 0x50, 0x4E]) == nil)
        #expect(FileKind.sniff(Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVE".utf8)) == nil, "RIFF that is not WebP")
    }

    @Test func policiesCheckLengthsBeforeReadingAndKindsAfter() throws {
        let avatar = UploadPolicy.avatar(maxBytes: 100)
        #expect(throws: UploadError.tooLarge(limit: 100)) { try avatar.check(length: 101) }
        #expect(throws: UploadError.empty) { try avatar.check(length: 0) }
        try avatar.check(length: 100)
        #expect(try avatar.kind(of: Self.png) == .png)
        #expect(throws: UploadError.unsupportedType(allowed: ["image/png", "image/jpeg", "image/gif", "image/webp"])) {
            try avatar.kind(of: Array("%PDF-1.4".utf8))
        }
        let attachment = UploadPolicy.attachment()
        #expect(attachment.maxBytes == 25 * 1024 * 1024)
        #expect(try attachment.kind(of: Array("%PDF-1.4".utf8)) == .pdf)
        #expect(try attachment.kind(of: Array("notes".utf8)) == .text)
        #expect(throws: UploadError.self) { try attachment.kind(of: [0x7F, 0x45, 0x4C, 0x46, 2, 1]) }
    }

    @Test func filenamesKeepTheirLastComponentOnly() throws {
        #expect(try Filename.clean("report.pdf") == "report.pdf")
        #expect(try Filename.clean("../../etc/passwd") == "passwd")
        #expect(try Filename.clean("C:\\Users\\me\\notes.txt") == "notes.txt")
        #expect(try Filename.clean("  spaced name.txt ") == "spaced name.txt")
        for bad in [nil, "", "   ", "..", "a/..", "line\nbreak.txt", String(repeating: "a", count: 256)] as [String?] {
            #expect(throws: DomainError.self, "\(String(describing: bad))") { try Filename.clean(bad) }
        }
    }
}

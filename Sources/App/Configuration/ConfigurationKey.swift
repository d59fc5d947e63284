/// One configuration key as operators read about it: its defaults, format, effect and validation. `all` (in
/// ConfigurationKey+All.swift) is the one table of keys; docs/configuration.md's table is printed from it.
public struct ConfigurationKey: Sendable {
    public let name: String
    /// The default outside production, as the docs state it: a backticked literal (`8080`) or words.
    public let development: String
    /// The default in production, stated the same way.
    public let production: String
    public let format: String
    public let summary: String
    public let validation: String
    /// Whether `portside config check` prints it; the keys swift-otel reads itself are only validated.
    public let printedByConfigCheck: Bool

    init(
        _ name: String, development: String, production: String, format: Prose, summary: Prose, validation: Prose,
        printedByConfigCheck: Bool = true
    ) {
        self.name = name
        self.development = development
        self.production = production
        self.format = format.text
        self.summary = summary.text
        self.validation = validation.text
        self.printedByConfigCheck = printedByConfigCheck
    }

    /// The development default when the docs give it as one literal value (`15m`), nil when they describe it.
    public var developmentLiteral: String? {
        guard development.count >= 2, development.first == "`", development.last == "`" else { return nil }
        let inner = development.dropFirst().dropLast()
        return inner.contains("`") ? nil : String(inner)
    }

    /// The keys table of docs/configuration.md, as `portside config docs` prints it.
    public static var markdownTable: String {
        let cell = { (text: String) in text.replacingOccurrences(of: "|", with: "\\|") }
        let rows = all.map { key in
            "| `\(key.name)` | \(cell(key.development)) | \(cell(key.production)) | \(cell(key.format)) | \(cell(key.summary)) | "
                + "\(cell(key.validation)) |"
        }
        let header = [
            "| Key | Default in development | Default in production | Format | What it does | Validation |", "|---|---|---|---|---|---|",
        ]
        return (header + rows).joined(separator: "\n")
    }
}

/// Text written in the table as one string literal, or as several joined by spaces (to keep lines short).
struct Prose: ExpressibleByStringLiteral, ExpressibleByArrayLiteral {
    let text: String

    init(stringLiteral value: String) {
        text = value
    }

    init(arrayLiteral parts: String...) {
        text = parts.joined(separator: " ")
    }
}

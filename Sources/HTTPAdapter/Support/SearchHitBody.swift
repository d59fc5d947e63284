import Domain

/// An item found by a full-text search: the item's own body, followed by `rank` and `highlights`.
struct SearchHitBody<Item: EncodableBody>: EncodableBody {
    let item: Item
    let rank: Double
    let highlights: [String: [HighlightPieceBody]]

    init<Found>(_ item: Item, hit: SearchHit<Found>) {
        self.item = item
        rank = hit.rank
        highlights = hit.highlights.mapValues { $0.map(HighlightPieceBody.init) }
    }

    private enum CodingKeys: String, CodingKey {
        case rank, highlights
    }

    func encode(to encoder: any Encoder) throws {
        // The item's keys first, then these, in the same object.
        try item.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rank, forKey: .rank)
        try container.encode(highlights, forKey: .highlights)
    }
}

/// `{text, match}`: a piece of a highlighted field.
struct HighlightPieceBody: EncodableBody {
    let text: String
    let match: Bool

    init(_ piece: HighlightPiece) {
        text = piece.text
        match = piece.match
    }
}

/// One field of client input as it arrived: absent, present with a value, or present with the wrong shape.
///
/// Keeping "present but malformed" apart from "absent" lets validation report every problem of a request at once,
/// and lets partial updates tell "leave unchanged" from "set".
public enum Field<Value: Sendable & Equatable>: Sendable, Equatable {
    case absent
    case value(Value)
    /// Present, but not of the expected type; the message says what was expected.
    case invalid(String)
}

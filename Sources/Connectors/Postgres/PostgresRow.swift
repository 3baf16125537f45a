/// A record that is one row of a table: which columns it fills, and with what.
///
/// ```swift
/// struct Clip: PostgresRow {
///     let id: String; let broadcasterID: String; let createdAt: Int64; let views: Int
///     static let postgresColumns = ["clip_id", "broadcaster_id", "created_at", "views"]
///     var postgresValues: [PostgresValue] { [.text(id), .text(broadcasterID), .timestamp(epochMillis: createdAt), PostgresValue(views)] }
/// }
/// ```
public protocol PostgresRow {
    /// The table's columns this record fills, in the order of `postgresValues`.
    static var postgresColumns: [String] { get }
    /// This record's values, one per column.
    var postgresValues: [PostgresValue] { get }
}

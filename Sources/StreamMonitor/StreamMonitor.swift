/// The stream monitoring service (DESIGN.md §2): polls Get Streams, keeps Redis liveness keys, joins chat,
/// publishes chat and lifecycle events to Kafka and upserts `streamers`.
public enum StreamMonitor {}

/// Structured JSON logs and a Prometheus endpoint shared by the Highlights processes.
public enum Observability {}

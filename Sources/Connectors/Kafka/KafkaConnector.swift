// The Kafka connector (see its README).

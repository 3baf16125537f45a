// The Postgres connector (see its README).

// The HTTP connector (see its README).

// The Redis connector (see its README).

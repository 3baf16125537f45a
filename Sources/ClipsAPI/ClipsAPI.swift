/// The clips API (port 5000) and the viewers' page it serves.
public enum ClipsAPI {}

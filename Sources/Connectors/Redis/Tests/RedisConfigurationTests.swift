import RedisConnector
import Testing

@Suite("RedisConfiguration: URLs and environment")
struct RedisConfigurationTests {
    @Test("a full URL: user, percent-encoded password, host, port, database")
    func fullURL() throws {
        let c = try RedisConfiguration(url: "redis://app:p%40ss@redis.example:6380/3")
        #expect(c.host == "redis.example")
        #expect(c.port == 6380)
        #expect(c.username == "app")
        #expect(c.password == "p@ss")
        #expect(c.database == 3)
        #expect(c.endpoint == "redis.example:6380")
        #expect(c.description == "redis://redis.example:6380/3")   // no password in logs
    }

    @Test("defaults: port 6379, database 0, no credentials; a password alone; a bare host:port")
    func defaults() throws {
        let plain = try RedisConfiguration(url: "redis://localhost")
        #expect(plain.port == 6379 && plain.database == 0 && plain.username == nil && plain.password == nil)
        let password = try RedisConfiguration(url: "redis://:secret@127.0.0.1:56379/")
        #expect(password.password == "secret" && password.username == nil && password.database == 0)
        let bare = try RedisConfiguration(url: "127.0.0.1:56379")
        #expect(bare.host == "127.0.0.1" && bare.port == 56379)
    }

    @Test("bad URLs are rejected with a reason, and never echo the password",
          arguments: [("http://h:1", "scheme"), ("rediss://h:1", "TLS"), ("redis://h:99999", "port"),
                      ("redis://:secret@h/abc", "database number"), ("redis://", "host")])
    func rejected(url: String, reason: String) throws {
        let error = try #require(throws: RedisError.self) { try RedisConfiguration(url: url) }
        #expect(error.kind == .invalidConfiguration)
        #expect(error.message.contains(reason), "\(error)")
        #expect(!error.message.contains("secret"), "\(error)")
    }

    @Test("REDIS_URL from the environment, or the default when unset or empty")
    func environment() throws {
        #expect(try RedisConfiguration.fromEnvironment(environment: [:]).endpoint == "127.0.0.1:6379")
        #expect(try RedisConfiguration.fromEnvironment(environment: ["REDIS_URL": ""]).endpoint == "127.0.0.1:6379")
        let set = try RedisConfiguration.fromEnvironment(environment: ["REDIS_URL": "redis://cache:7000/2"])
        #expect(set.endpoint == "cache:7000" && set.database == 2)
        let error = try #require(throws: RedisError.self) {
            try RedisConfiguration.fromEnvironment(environment: ["REDIS_URL": "mysql://x"])
        }
        #expect(error.message.hasPrefix("REDIS_URL: "))
    }
}

import Dataflow
import Testing

@Suite("Secrets: one masking function for REST, logs and metrics")
struct SecretsTests {
    @Test("keys are sensitive as in Flink's GlobalConfiguration.isSensitive (case-insensitive substrings)")
    func sensitiveKeys() {
        for key in ["password", "postgres.PASSWORD", "twitch.client-secret", "security.cluster.secret", "api-key", "apikey",
                    "access-token", "TWITCH_USER_REFRESH_TOKEN", "sasl.jaas.config", "basic-auth", "fs.azure.account.key.x"] {
            #expect(Secrets.isSensitive(key: key), "\(key)")
        }
        for key in ["postgres-url", "parallelism.default", "topic", "rest.port", "keys"] {
            #expect(!Secrets.isSensitive(key: key), "\(key)")
        }
        #expect(Secrets.mask(key: "twitch.client-secret", value: "abc123xyz") == "******")
        #expect(Secrets.mask(key: "twitch.client-secret", value: "") == "")
        #expect(Secrets.mask(key: "topic", value: "chat-messages") == "chat-messages")
    }

    @Test("the password of a URL's user info is masked; user, host and path stay", arguments: [
        ("postgresql://u:pw-one@127.0.0.1:5432/highlights", "postgresql://u:******@127.0.0.1:5432/highlights"),
        ("redis://:pw-two@cache:6379/0", "redis://:******@cache:6379/0"),
        ("kafka://svc:pw-three@broker:9092/chat-messages", "kafka://svc:******@broker:9092/chat-messages"),
        ("postgresql://postgres@127.0.0.1:55432/highlights", "postgresql://postgres@127.0.0.1:55432/highlights"),
        ("jdbc:postgresql://db:5432/x?user=u&password=pw-four&ssl=true", "jdbc:postgresql://db:5432/x?user=u&password=******&ssl=true"),
        ("host=db port=5432 password=pw-five dbname=x", "host=db port=5432 password=****** dbname=x"),
        ("cannot connect to postgresql://u:p@ss@db/x: refused", "cannot connect to postgresql://u:******@db/x: refused"),
        ("-D twitch.client-secret=tok-six", "-D twitch.client-secret=******"),
        ("Authorization: Bearer tok-seven", "Authorization: Bearer ******"),
        ("{\"url\":\"redis://:pw-eight@h\"}", "{\"url\":\"redis://:******@h\"}"),
    ])
    func text(_ input: String, _ expected: String) {
        #expect(Secrets.mask(input) == expected)
    }

    @Test("a value once seen under a sensitive key is hidden wherever it turns up later")
    func remembered() {
        let token = "remembered-token-\(UInt64.random(in: 0...UInt64.max))"
        #expect(Secrets.mask("the token \(token) was rejected") == "the token \(token) was rejected")
        Secrets.remember(secretsIn: ["twitch.client-secret": token, "topic": "chat"])
        #expect(Secrets.mask("the token \(token) was rejected") == "the token ****** was rejected")
        // Short values are not searched for: they would hide ordinary words.
        Secrets.remember("ab")
        #expect(Secrets.mask("tab") == "tab")
    }

    @Test("a URL password seen once is hidden in text that quotes it without the URL")
    func urlPasswordRemembered() {
        let pw = "urlpw\(UInt32.random(in: 0...UInt32.max))"
        _ = Secrets.mask(["postgres-url": "postgresql://u:\(pw)@db/x"])
        #expect(Secrets.mask("FATAL: password \(pw) rejected") == "FATAL: password ****** rejected")
    }
}

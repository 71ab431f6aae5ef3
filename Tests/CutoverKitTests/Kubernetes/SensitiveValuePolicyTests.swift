import CutoverKit
import Testing

extension KubernetesTests {
  @Suite("Which set: keys are secrets")
  struct SensitiveValuePolicyTests {
    @Test(
      "keys whose last component looks like a secret's name are sensitive, in any case",
      arguments: [
        "hub.cookieSecret", "jupyterhub.hub.config.JupyterHub.cookie_secret", "proxy.secretToken", "apiKey",
        "mediawiki.APIKEY", "db.password", "db.PASSWORD", "adminPasswd", "tls.key", "ssh.privateKey", "s3.accessKey",
        "auth.token", "client-credentials", "signing-keys", "smtp.pass", "vault.passphrase", "oauth.client_secret",
        "a.b\\.c.sshKey",
      ])
    func sensitiveNames(key: String) {
      #expect(SensitiveValuePolicy().isSensitive(key))
    }

    @Test(
      "ordinary keys are not sensitive, nor are keys whose secret-looking part is not the last",
      arguments: [
        "controller.service.type", "controller.service.enableHttps", "controller.service.nodePorts.http",
        "controller.config.proxy-body-size", "keyboard.layout", "monkey", "password.length.min.enabled",
        "hub.db.type", "passthrough", "secrets.enabled.x",
      ])
    func ordinaryNames(key: String) {
      #expect(!SensitiveValuePolicy().isSensitive(key))
    }

    @Test("listed keys and everything under them are sensitive; a listed key does not cover its siblings")
    func listedKeys() {
      let policy = SensitiveValuePolicy(listedKeys: ["jupyterhub.hub.extraEnv", "wiki\\.url"])
      #expect(policy.isSensitive("jupyterhub.hub.extraEnv"))
      #expect(policy.isSensitive("jupyterhub.hub.extraEnv.DB_HOST"))
      #expect(policy.isSensitive("jupyterhub.hub.extraEnv[0].value"))
      #expect(policy.isSensitive("wiki\\.url"))
      #expect(!policy.isSensitive("wiki.url"))
      #expect(!policy.isSensitive("jupyterhub.hub.extraEnvFrom"))
      #expect(!policy.isSensitive("jupyterhub.hub"))
    }

    @Test("redaction reaches into maps and lists given whole")
    func nestedRedaction() {
      let policy = SensitiveValuePolicy()
      let value: Value = [
        "users": [["name": "admin", "password": "pw-1234"], ["name": "ops", "password": "pw-5678"]],
        "auth": ["github": ["clientId": "abc", "clientSecret": "gh-secret"]],
        "replicas": 2,
      ]
      #expect(
        policy.redacted(value, at: "hub")
          == [
            "users": [["name": "admin", "password": "(sensitive)"], ["name": "ops", "password": "(sensitive)"]],
            "auth": ["github": ["clientId": "abc", "clientSecret": "(sensitive)"]],
            "replicas": 2,
          ])
      #expect(policy.redacted("x", at: "hub.cookieSecret") == "(sensitive)")
      #expect(
        policy.secretTexts(in: ["hub": value, "hub.cookieSecret": "abc", "proxy.secretToken": 12_345_678])
          == ["gh-secret", "12345678", "pw-1234", "pw-5678"],
        "longest first, so a secret containing another is hidden whole")
    }

    @Test("scrubbing hides the longest secret whole")
    func scrubbing() {
      #expect(
        SensitiveValuePolicy.scrub("token abc-123-xyz then abc-123", secrets: ["abc-123", "abc-123-xyz"])
          == "token (sensitive) then (sensitive)")
    }
  }
}

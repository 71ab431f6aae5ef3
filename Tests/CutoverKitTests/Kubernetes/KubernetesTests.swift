import Testing

/// The helm and kubectl layer's suites, nested here so `swift test --filter Kubernetes` selects all of them.
@Suite("Helm and kubectl")
struct KubernetesTests {}

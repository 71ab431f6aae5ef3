import Crypto
import CutoverKit
import Foundation
import Testing

/// `environments/eqiad1.yaml` is a copy of `clusters/eqiad1.yaml`: PAWS production as it runs today.
@Suite("Environment file: a valid file")
struct EnvironmentFileTests {
  private let state: DesiredState

  init() throws {
    state = try Fixture.desiredState("eqiad1.yaml")
  }

  @Test("the top level reads environment, cloud, project, name prefix, live and web proxies")
  func topLevel() {
    #expect(state.environment == "eqiad1")
    #expect(state.cloud == "eqiad1")
    #expect(state.project == "paws")
    #expect(state.namePrefix == "paws")
    #expect(state.generations.map(\.id) == ["127d"])
    #expect(state.live == "127d")
    #expect(state.webProxies == WebProxies(port: 30001, domains: ["hub-paws.wmcloud.org", "public-paws.wmcloud.org"]))
    #expect(state.clusterName(of: "127d") == "paws-127d")
  }

  @Test("a generation inherits the template of the defaults")
  func template() throws {
    let template = try #require(state.generation("127d")).template
    #expect(
      template
        == TemplateSpec(
          coe: "kubernetes", image: "Fedora-CoreOS-38", keypair: "paws-magnum-vm", flavor: "g4.cores8.ram32.disk20",
          masterFlavor: "g4.cores2.ram4.disk20", externalNetwork: "wan-transport-eqiad",
          fixedNetwork: "VXLAN/IPv6-dualstack", fixedSubnet: "vxlan-dualstack-ipv4", networkDriver: "calico",
          dockerStorageDriver: "overlay2", dockerVolumeSize: 80, dnsNameserver: "8.8.8.8", floatingIPEnabled: false,
          masterLBEnabled: false,
          labels: [
            "kube_tag": "v1.27.8-rancher2", "container_runtime": "containerd", "containerd_version": "1.6.28",
            "cloud_provider_tag": "v1.27.3", "cinder_csi_plugin_tag": "v1.27.3", "k8s_keystone_auth_tag": "v1.27.3",
            "magnum_auto_healer_tag": "v1.27.3", "octavia_ingress_controller_tag": "v1.27.3", "calico_tag": "v3.26.4",
          ]))
  }

  @Test("a generation inherits the cluster shape of the defaults, create_timeout in minutes")
  func cluster() throws {
    let cluster = try #require(state.generation("127d")).cluster
    #expect(cluster == ClusterSpec(masters: 1, workers: 5, createTimeoutMinutes: 60))
  }

  @Test("a generation inherits the Helm releases of the defaults, in order, with typed values")
  func releases() throws {
    let releases = try #require(state.generation("127d")).releases
    #expect(releases.map(\.name) == ["ingress-nginx", "paws", "prometheus"])
    #expect(
      releases.first
        == ReleaseSpec(
          name: "ingress-nginx", chart: "ingress-nginx/ingress-nginx", version: "4.14.3", namespace: "ingress-nginx",
          set: [
            "controller.service.type": "NodePort", "controller.service.enableHttps": false,
            "controller.service.nodePorts.http": 30001, "controller.config.proxy-body-size": "4m",
          ]))
    #expect(
      releases.dropFirst().first
        == ReleaseSpec(
          name: "paws", chart: "./paws", namespace: "prod", values: ["paws/secrets.yaml", "paws/production.yaml"],
          timeoutMinutes: 50, dependencyUpdate: true))
    #expect(releases.last?.version == "25.26.0")
    #expect(releases.last?.namespace == "metrics")
  }

  @Test("a generation's own settings override the defaults")
  func generationOverrides() throws {
    let state = try Fixture.desiredState("eqiad1-after.yaml")
    #expect(state.generation("127d")?.cluster.workers == 6)
    #expect(state.generation("128a")?.cluster.workers == 5)
    #expect(state.generation("128a")?.template.labels["kube_tag"] == "v1.28.15")
    #expect(state.generation("127d")?.template.labels["kube_tag"] == "v1.27.8-rancher2")
  }

  @Test("load reads the file from disk the same as parse reads its text, and records the digests of the files it names")
  func loadMatchesParse() throws {
    var loaded = try EnvironmentFile.load(environment: "eqiad1", path: Fixture.path("environments/eqiad1.yaml"))
    // Relative paths resolve beside the directory holding the file: Fixtures/paws/….
    let paws = try #require(loaded.generation("127d")?.releases.first { $0.name == "paws" })
    let secrets = try Data(contentsOf: URL(fileURLWithPath: try Fixture.path("paws/secrets.yaml")))
    #expect(
      paws.valuesSHA256?.first == "sha256:" + SHA256.hash(data: secrets).map { String(format: "%02x", $0) }.joined())
    #expect(paws.valuesSHA256?.count == 2)
    #expect(paws.chartSHA256?.hasPrefix("sha256:") == true)
    for index in loaded.generations.indices {
      for release in loaded.generations[index].releases.indices {
        loaded.generations[index].releases[release].valuesSHA256 = nil
        loaded.generations[index].releases[release].chartSHA256 = nil
      }
    }
    #expect(loaded == state)
  }

  @Test("the smallest valid file parses, with the documented defaults for what it leaves out")
  func minimalFile() throws {
    let state = try Fixture.desiredState("minimal.yaml")
    let generation = try #require(state.generation("127d"))
    #expect(state.cloud == nil)
    #expect(state.webProxies == nil)
    #expect(generation.template.coe == "kubernetes")
    #expect(generation.template.floatingIPEnabled == false)
    #expect(generation.template.fixedNetwork == nil)
    #expect(generation.releases.first?.wait == true)
  }

  @Test(
    "durations read as whole minutes, seconds rounded up",
    arguments: [("60m", 60), ("1h", 60), ("1h30m", 90), ("90s", 2), ("45", 45), ("1d", 1440)])
  func durations(text: String, minutes: Int) throws {
    let state = try Fixture.desiredState("durations.yaml")
    #expect(state.generation(text)?.cluster.createTimeoutMinutes == minutes)
  }
}

import CutoverKit
import Foundation
import Testing

/// The environment files the repository ships, read from `clusters/` itself so they cannot drift from a copy.
@Suite("Shipped environments")
struct ShippedEnvironmentsTests {
  /// `clusters/` at the top of this checkout.
  private static let clusters = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("clusters").path

  @Test("eqiad1 holds PAWS production: paws-127d live, 5 workers of g4.cores8.ram32.disk20, the two proxies")
  func eqiad1() throws {
    let state = try EnvironmentFile.load(environment: "eqiad1", path: Self.clusters + "/eqiad1.yaml")
    let generation = try #require(state.generation("127d"))
    #expect(state.live == "127d")
    #expect(state.clusterName(of: "127d") == "paws-127d")
    #expect(state.project == "paws")
    #expect(generation.cluster.workers == 5 && generation.cluster.masters == 1)
    #expect(generation.template.flavor == "g4.cores8.ram32.disk20")
    #expect(generation.template.masterFlavor == "g4.cores2.ram4.disk20")
    #expect(generation.template.dockerVolumeSize == 80)
    #expect(generation.template.externalNetwork == "wan-transport-eqiad")
    #expect(generation.template.fixedSubnet == "vxlan-dualstack-ipv4")
    #expect(generation.template.labels["kube_tag"] == "v1.27.8-rancher2")
    #expect(generation.template.labels.count == 9)
    #expect(generation.releases.map(\.name) == ["ingress-nginx", "paws", "prometheus"])
    #expect(generation.releases[1].values == ["paws/secrets.yaml", "paws/production.yaml"])
    #expect(state.webProxies == WebProxies(port: 30001, domains: ["hub-paws.wmcloud.org", "public-paws.wmcloud.org"]))
  }

  @Test("codfw1dev holds the test deployment: paws-dev-127d, 2 workers of g4.cores1.ram2.disk20")
  func codfw1dev() throws {
    let state = try EnvironmentFile.load(environment: "codfw1dev", path: Self.clusters + "/codfw1dev.yaml")
    let generation = try #require(state.generation("127d"))
    #expect(state.clusterName(of: "127d") == "paws-dev-127d")
    #expect(state.project == "pawsdev")
    #expect(generation.cluster.workers == 2)
    #expect(generation.template.flavor == "g4.cores1.ram2.disk20")
    #expect(generation.template.dockerVolumeSize == 20)
    #expect(generation.template.externalNetwork == "wan-transport-codfw")
    #expect(generation.template.fixedSubnet == "cloud-flat-codfw1dev")
    #expect(generation.releases[1].namespace == "codfw1dev")
    #expect(
      state.webProxies?.domains == ["hub-paws-dev.codfw1dev.wmcloud.org", "public-paws-dev.codfw1dev.wmcloud.org"])
  }

  @Test(
    "a duration over a week, or too long to count, is reported, not a crash",
    arguments: [
      "169h", "9999999999999999h", "999999999999999999", "10081",
    ])
  func durationBounds(text: String) throws {
    let yaml = try String(contentsOfFile: Self.clusters + "/eqiad1.yaml", encoding: .utf8)
      .replacingOccurrences(of: "create_timeout: 60m", with: "create_timeout: \(text)")
    #expect {
      try EnvironmentFile.parse(yaml, environment: "eqiad1", file: "clusters/eqiad1.yaml")
    } throws: { error in
      guard case CutoverError.invalidDesiredState(let diagnostics) = error else { return false }
      return diagnostics.count == 1 && diagnostics[0].message.hasPrefix("defaults.cluster.create_timeout:")
    }
  }

  @Test(
    "each shipped environment names files that exist (the paws/ stand-in) and the chart repositories its charts need",
    arguments: ["eqiad1", "codfw1dev"])
  func kubernetesWork(environment: String) throws {
    let state = try EnvironmentFile.load(environment: environment, path: Self.clusters + "/\(environment).yaml")
    let generation = try #require(state.generations.first)
    #expect(generation.releases.map(\.name) == ["ingress-nginx", "paws", "prometheus"])
    #expect(generation.manifests.map(\.name) == ["default-storageclass"])
    #expect(generation.manifests.first?.kinds == ["StorageClass"])
    let paws = try #require(generation.releases.first { $0.name == "paws" })
    #expect(paws.valuesSHA256?.count == 2)
    #expect(paws.chartSHA256 != nil)
    for release in generation.releases where !release.chart.hasPrefix("./") {
      let repository = String(release.chart.split(separator: "/").first ?? "")
      #expect(state.helmRepositories[repository]?.hasPrefix("https://") == true, "\(release.chart)")
    }
    #expect(state.helmRepositories["jupyterhub"] == "https://hub.jupyter.org/helm-chart/")
  }
}

import CutoverKit
import Foundation
import Testing

extension KubernetesTests {
  @Suite("Reading helm's and kubectl's JSON answers")
  struct KubernetesOutputParsingTests {
    @Test("helm status: name, namespace, revision, state, times and chart metadata")
    func deployedStatus() throws {
      let status = try HelmReleaseStatus(helmStatusOutput: KubernetesFixtures.ingressStatus)
      #expect(
        status
          == HelmReleaseStatus(
            name: "ingress-nginx", namespace: "ingress-nginx", revision: 3, phase: .deployed,
            summary: "Upgrade complete",
            firstDeployed: "2026-11-02T09:12:44.123456789Z", lastDeployed: "2026-11-21T14:03:10.987654321Z",
            chartName: "ingress-nginx", chartVersion: "4.14.3", appVersion: "1.14.3"))
      #expect(!status.phase.isPending)
      let expected = try #require(ISO8601DateFormatter().date(from: "2026-11-21T14:03:10Z"))
      let parsed = try #require(status.lastDeployedDate)
      #expect(abs(parsed.timeIntervalSince(expected) - 0.987654321) < 0.001)
    }

    @Test("helm status of a failed upgrade, after a warning line, without chart metadata")
    func failedStatus() throws {
      let status = try HelmReleaseStatus(helmStatusOutput: KubernetesFixtures.failedPawsStatus)
      #expect(status.phase == .failed)
      #expect(status.revision == 7)
      #expect(status.summary == #"Upgrade "paws" failed: context deadline exceeded"#)
      #expect(status.chartName == nil && status.chartVersion == nil)
      #expect(status.firstDeployed == "2026-11-21T13:00:01.5+01:00")
      let first = try #require(status.firstDeployedDate)
      let noon = try #require(ISO8601DateFormatter().date(from: "2026-11-21T12:00:01Z"))
      #expect(abs(first.timeIntervalSince(noon) - 0.5) < 0.001)
      #expect(status.lastDeployedDate == ISO8601DateFormatter().date(from: "2026-11-21T15:40:00Z"))
    }

    @Test("helm status of a release whose first install is still running is pending")
    func pendingStatus() throws {
      let status = try HelmReleaseStatus(helmStatusOutput: KubernetesFixtures.pendingPrometheusStatus)
      #expect(status.phase == .pendingInstall)
      #expect(status.phase.isPending)
      #expect(status.chartVersion == "25.26.0")
      #expect(status.appVersion == "v2.54.1")
    }

    @Test("helm status answers Cutover cannot use are errors that say what was being read")
    func unreadableStatus() {
      #expect(throws: KubernetesOutputError(what: "helm status -o json", problem: "it printed nothing")) {
        try HelmReleaseStatus(helmStatusOutput: "\n")
      }
      #expect(
        throws: KubernetesOutputError(
          what: "helm status -o json", problem: "expected name, namespace, version and info.status")
      ) {
        try HelmReleaseStatus(helmStatusOutput: #"{"name":"paws","namespace":"prod"}"#)
      }
      let error = #expect(throws: KubernetesOutputError.self) {
        try HelmReleaseStatus(helmStatusOutput: "NAME: paws\nSTATUS: deployed\n")
      }
      #expect(
        error?.description
          == #"could not read the output of helm status -o json: no JSON document in it; it begins "NAME: paws""#)
    }

    @Test("helm get values: an object, or null for a release installed without values")
    func values() throws {
      #expect(
        try HelmReleaseValues.parse(KubernetesFixtures.ingressValues) == [
          "controller": [
            "config": ["proxy-body-size": "4m"],
            "service": ["enableHttps": false, "nodePorts": ["http": 30001], "type": "NodePort"],
          ]
        ])
      #expect(try HelmReleaseValues.parse(KubernetesFixtures.noValues) == [:])
      #expect(throws: KubernetesOutputError.self) { try HelmReleaseValues.parse("[1, 2]") }
    }

    @Test("kubectl get nodes: Ready status, internal addresses, roles, cordons")
    func nodes() throws {
      let nodes = try KubernetesNode.parseList(KubernetesFixtures.nodes)
      #expect(
        nodes == [
          KubernetesNode(
            name: "paws-128a-x7kq2lmb3c4d-master-0", ready: .true, internalIPs: ["172.16.1.20"], roles: ["master"],
            kubeletVersion: "v1.28.15"),
          KubernetesNode(
            name: "paws-128a-x7kq2lmb3c4d-node-0", ready: .true, internalIPs: ["172.16.1.21", "2a02:ec80:a000:1::21"],
            kubeletVersion: "v1.28.15"),
          KubernetesNode(name: "paws-128a-x7kq2lmb3c4d-node-1", ready: .false, internalIPs: ["172.16.1.22"]),
          KubernetesNode(
            name: "paws-128a-x7kq2lmb3c4d-node-2", ready: .unknown, internalIPs: ["172.16.1.23"], unschedulable: true),
        ])
      #expect(nodes.map(\.isReady) == [true, true, false, false])
      #expect(nodes.map(\.isControlPlane) == [true, false, false, false])
      #expect(try KubernetesNode.parseList(#"{"apiVersion":"v1","items":[],"kind":"List"}"#).isEmpty)
      #expect(throws: KubernetesOutputError.self) { try KubernetesNode.parseList(#"{"kind":"Status"}"#) }
    }

    @Test("versions: helm's template, short and long forms; kubectl's JSON")
    func versions() throws {
      #expect(try ToolVersion.parseHelmVersion("v3.14.4") == ToolVersion(3, 14, 4))
      #expect(try ToolVersion.parseHelmVersion("v3.14.4+g81c902a\n") == ToolVersion(3, 14, 4))
      #expect(
        try ToolVersion.parseHelmVersion(
          #"version.BuildInfo{Version:"v3.9.4", GitCommit:"dbc6d8e20fe1d58d50e6ed30f09a04a77e4c68db", GoVersion:"go1.17.13"}"#
        ) == ToolVersion(3, 9, 4))
      #expect(
        try ToolVersion.parseHelmVersion("WARNING: Kubernetes configuration file is world-readable 1.2.3\nv4.0.1")
          == ToolVersion(4, 0, 1))
      #expect(throws: KubernetesOutputError.self) { try ToolVersion.parseHelmVersion("helm: command failed") }
      #expect(try ToolVersion.parseKubectlVersion(KubernetesFixtures.kubectlVersion) == ToolVersion(1, 28, 15))
      #expect(
        try ToolVersion.parseKubectlVersion(#"{"clientVersion":{"major":"1","minor":"27+"}}"#) == ToolVersion(1, 27))
      #expect(throws: KubernetesOutputError.self) { try ToolVersion.parseKubectlVersion(#"{"serverVersion":{}}"#) }
    }

    @Test("versions compare numerically, not as text")
    func versionOrder() {
      #expect(ToolVersion(3, 9, 4) < ToolVersion(3, 10, 0))
      #expect(ToolVersion(1, 22) > ToolVersion(1, 21, 14))
      #expect(ToolVersion(parsing: "go1.22.8 and v1.28.15-gke.100") == ToolVersion(1, 28, 15))
      #expect(ToolVersion(parsing: "no digits") == nil)
      #expect(ToolVersion(3, 14, 4).description == "v3.14.4")
    }
  }
}

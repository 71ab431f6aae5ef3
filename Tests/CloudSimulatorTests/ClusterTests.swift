import NIOHTTP1
import TestSupport
import Testing

@testable import CloudSimulator

/// Magnum clusters: create, read, resize and delete, with statuses derived from recorded time.
@Suite struct ClusterTests {
  // MARK: - Lifecycle

  @Test func instantBuildCompletesAtOnceAndDeleteRemovesIt() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let create = try await cloud.magnum(
        .POST, "/clusters", token: token, body: RequestBodies.cluster(name: "paws-1", template: template, workers: 3))
      #expect(create.status == 202)
      let uuid = try #require(create.json["uuid"]?.stringValue)
      #expect(create.json.objectValue?.keys.sorted() == ["uuid"])

      let shown = try await cloud.cluster(uuid, token: token)
      #expect(shown.status == 200)
      let body = shown.json
      #expect(body["status"] == "CREATE_COMPLETE")
      #expect(body["status_reason"] == "Stack CREATE completed successfully")
      #expect(body["name"] == "paws-1")
      #expect(body["cluster_template_id"]?.stringValue == template)
      #expect(body["master_count"] == 1)
      #expect(body["node_count"] == 3)
      #expect(body["master_addresses"]?.arrayValue?.count == 1)
      #expect(body["node_addresses"]?.arrayValue?.count == 3)
      let master = try #require(body["master_addresses"]?.arrayValue?.first?.stringValue)
      #expect(body["api_address"]?.stringValue == "https://\(master):6443")
      #expect(body["coe_version"] == "v1.27.8")
      #expect(body["flavor_id"] == "g4.cores8.ram32.disk20")
      #expect(body["master_flavor_id"] == "g4.cores2.ram4.disk20")
      #expect(body["keypair"] == "rook")
      #expect(body["labels"]?["kube_tag"] == "v1.27.8-rancher2")
      #expect(body["create_timeout"] == 60)
      #expect(body["stack_id"]?.stringValue.map(Identifiers.isUUIDLike) == true)
      #expect(body["discovery_url"] == .null)
      #expect(body["created_at"]?.stringValue?.hasSuffix("+00:00") == true)
      #expect(body["updated_at"]?.stringValue?.hasSuffix("+00:00") == true)
      #expect(body["links"]?.arrayValue?.count == 2)

      let byName = try await cloud.cluster("paws-1", token: token)
      #expect(byName.json["uuid"]?.stringValue == uuid)
      let list = try await cloud.magnum(.GET, "/clusters", token: token)
      let summary = try #require(list.json["clusters"]?.arrayValue?.first)
      #expect(summary["uuid"]?.stringValue == uuid)
      #expect(summary["status"] == "CREATE_COMPLETE")
      #expect(summary["stack_id"] != nil && summary["keypair"] != nil && summary["create_timeout"] == 60)

      #expect(try await cloud.magnum(.DELETE, "/clusters/\(uuid)", token: token).status == 204)
      #expect(try await cloud.cluster(uuid, token: token).status == 404)
      let afterDelete = try await cloud.magnum(.GET, "/clusters", token: token)
      #expect(afterDelete.json["clusters"] == [])
    }
  }

  @Test func timedBuildProgressesFromInProgressToCompleteAndDeleteToGone() async throws {
    let clock = ManualClock()
    try await SimulatorHarness.with(clock.driving(SimulatorConfiguration(buildSeconds: 4))) { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let uuid = try await cloud.createCluster(token: token, name: "paws-2", template: template)

      let building = try await cloud.cluster(uuid, token: token).json
      #expect(building["status"] == "CREATE_IN_PROGRESS")
      #expect(building["api_address"] == .null)
      #expect(building["node_addresses"] == [])
      let tooEarly = try await cloud.magnum(
        .PATCH, "/clusters/\(uuid)", token: token, body: [["op": "replace", "path": "/node_count", "value": 4]])
      #expect(tooEarly.status == 400)
      clock.advance(by: 3.9)
      #expect(try await cloud.cluster(uuid, token: token).json["status"] == "CREATE_IN_PROGRESS")

      clock.advance(by: 0.1)
      let built = try await cloud.cluster(uuid, token: token).json
      #expect(built["status"] == "CREATE_COMPLETE")
      #expect(built["node_addresses"]?.arrayValue?.count == 2)
      #expect(built["api_address"] != .null)

      // The delete takes a quarter of the build time.
      #expect(try await cloud.magnum(.DELETE, "/clusters/\(uuid)", token: token).status == 204)
      let deleting = try await cloud.cluster(uuid, token: token)
      #expect(deleting.status == 200)
      #expect(deleting.json["status"] == "DELETE_IN_PROGRESS")
      clock.advance(by: 0.9)
      #expect(try await cloud.cluster(uuid, token: token).json["status"] == "DELETE_IN_PROGRESS")
      clock.advance(by: 0.1)
      #expect(try await cloud.cluster(uuid, token: token).status == 404)
    }
  }

  @Test func failingClusterEndsInCreateFailedWithAReason() async throws {
    let configuration = SimulatorConfiguration(buildSeconds: 0, faults: FaultInjection(failingClusters: ["paws-9"]))
    try await SimulatorHarness.with(configuration) { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let failing = try await cloud.createCluster(token: token, name: "paws-9", template: template)
      let healthy = try await cloud.createCluster(token: token, name: "paws-10", template: template)
      let failed = try await cloud.cluster(failing, token: token).json
      #expect(failed["status"] == "CREATE_FAILED")
      #expect(failed["status_reason"]?.stringValue?.isEmpty == false)
      #expect(failed["api_address"] == .null)
      #expect(try await cloud.cluster(healthy, token: token).json["status"] == "CREATE_COMPLETE")
      let resize = try await cloud.magnum(
        .POST, "/clusters/\(failing)/actions/resize", token: token, body: ["node_count": 3])
      #expect(resize.status == 400)
      #expect(try await cloud.magnum(.DELETE, "/clusters/\(failing)", token: token).status == 204)
    }
  }

  // MARK: - Resize

  @Test func resizeByPatchAndByActionChangesWorkersAndAddresses() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let uuid = try await cloud.createCluster(token: token, name: "paws-3", template: template, workers: 2)
      let before = try await cloud.cluster(uuid, token: token).json["node_addresses"]?.arrayValue ?? []

      let patch = try await cloud.magnum(
        .PATCH, "/clusters/\(uuid)", token: token, body: [["op": "replace", "path": "/node_count", "value": 4]])
      #expect(patch.status == 202)
      #expect(patch.json["uuid"]?.stringValue == uuid)
      let grown = try await cloud.cluster(uuid, token: token).json
      #expect(grown["status"] == "UPDATE_COMPLETE")
      #expect(grown["status_reason"] == "Stack UPDATE completed successfully")
      #expect(grown["node_count"] == 4)
      let grownAddresses = grown["node_addresses"]?.arrayValue ?? []
      #expect(grownAddresses.count == 4)
      #expect(Array(grownAddresses.prefix(2)) == before)

      let action = try await cloud.magnum(
        .POST, "/clusters/\(uuid)/actions/resize", token: token, body: ["node_count": 1])
      #expect(action.status == 202)
      #expect(action.json["uuid"]?.stringValue == uuid)
      let shrunk = try await cloud.cluster(uuid, token: token).json
      #expect(shrunk["node_count"] == 1)
      #expect(shrunk["node_addresses"]?.arrayValue == [before[0]])
    }
  }

  @Test func resizeReadsUpdateInProgressForHalfTheBuildTime() async throws {
    let clock = ManualClock()
    try await SimulatorHarness.with(clock.driving(SimulatorConfiguration(buildSeconds: 8))) { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let uuid = try await cloud.createCluster(token: token, name: "paws-4", template: template)
      clock.advance(by: 8)
      #expect(try await cloud.cluster(uuid, token: token).json["status"] == "CREATE_COMPLETE")
      let resize = try await cloud.magnum(
        .POST, "/clusters/\(uuid)/actions/resize", token: token, body: ["node_count": 5])
      #expect(resize.status == 202)
      let updating = try await cloud.cluster(uuid, token: token).json
      #expect(updating["status"] == "UPDATE_IN_PROGRESS")
      #expect(updating["node_count"] == 5)
      clock.advance(by: 3.9)
      #expect(try await cloud.cluster(uuid, token: token).json["status"] == "UPDATE_IN_PROGRESS")
      clock.advance(by: 0.1)
      #expect(try await cloud.cluster(uuid, token: token).json["status"] == "UPDATE_COMPLETE")
    }
  }

  @Test func patchMayOnlyReplaceNodeCount() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let uuid = try await cloud.createCluster(
        token: token, name: "paws-5", template: try await cloud.createTemplate(token: token))
      for operation: JSONValue in [
        ["op": "replace", "path": "/master_count", "value": 3],
        ["op": "add", "path": "/node_count", "value": 3],
        ["op": "replace", "path": "/node_count", "value": -1],
      ] {
        let response = try await cloud.magnum(.PATCH, "/clusters/\(uuid)", token: token, body: [operation])
        #expect(response.status == 400)
      }
      #expect(try await cloud.cluster(uuid, token: token).json["node_count"] == 2)
    }
  }

  // MARK: - Validation

  @Test func createValidatesNameTemplateAndCounts() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let invalid: [JSONValue] = [
        RequestBodies.cluster(name: "1paws", template: template),
        RequestBodies.cluster(name: "paws gen", template: template),
        RequestBodies.cluster(name: "paws-6", template: "no-such-template"),
        RequestBodies.cluster(name: "paws-6", template: "0562d357-8641-4759-8fed-8173f02c9633"),
        RequestBodies.cluster(name: "paws-6", template: template, masters: 0),
        RequestBodies.cluster(name: "paws-6", template: template, workers: -1),
      ]
      for body in invalid {
        let response = try await cloud.magnum(.POST, "/clusters", token: token, body: body)
        #expect(response.status == 400, "\(body.serializedString()) answered \(response.status)")
        #expect(response.json["errors"]?.arrayValue?.first?["status"] == 400)
      }
      let zeroWorkers = try await cloud.magnum(
        .POST, "/clusters", token: token, body: RequestBodies.cluster(name: "paws.6_a", template: template, workers: 0))
      #expect(zeroWorkers.status == 202)
      #expect(try await cloud.magnum(.GET, "/clusters", token: token).json["clusters"]?.arrayValue?.count == 1)
    }
  }

  @Test func duplicateNamesAreAllowedButAmbiguousByName() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let first = try await cloud.createCluster(token: token, name: "paws-7", template: template)
      let second = try await cloud.createCluster(token: token, name: "paws-7", template: template)
      #expect(first != second)
      #expect(try await cloud.cluster("paws-7", token: token).status == 409)
      #expect(try await cloud.cluster(second, token: token).status == 200)
      #expect(try await cloud.cluster("paws-unknown", token: token).status == 404)
    }
  }

  @Test func unknownPathsAnswerNotFoundInMagnumShape() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let response = try await cloud.magnum(.GET, "/nodegroups", token: token)
      #expect(response.status == 404)
      #expect(response.json["errors"]?.arrayValue?.first?["status"] == 404)
      #expect(response.header("x-openstack-request-id")?.hasPrefix("req-") == true)
    }
  }

  // MARK: - Addresses

  @Test func nodeAddressesAreUniqueLoopbackAndNever127001() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      var uuids: [String] = []
      for index in 0..<4 {
        uuids.append(
          try await cloud.createCluster(token: token, name: "paws-\(index)", template: template, masters: 3, workers: 5)
        )
      }
      _ = try await cloud.magnum(
        .PATCH, "/clusters/\(uuids[0])", token: token,
        body: [["op": "replace", "path": "/node_count", "value": 9]])
      var addresses: [String] = []
      for uuid in uuids {
        let body = try await cloud.cluster(uuid, token: token).json
        addresses += (body["master_addresses"]?.arrayValue ?? []).compactMap(\.stringValue)
        addresses += (body["node_addresses"]?.arrayValue ?? []).compactMap(\.stringValue)
      }
      #expect(addresses.count == 4 * 8 + 4)
      #expect(Set(addresses).count == addresses.count)
      #expect(!addresses.contains("127.0.0.1"))
      for address in addresses {
        let octets = address.split(separator: ".").compactMap { Int($0) }
        #expect(octets.count == 4 && octets[0] == 127 && octets.allSatisfy { (0...255).contains($0) })
        #expect(octets[3] != 0 && octets[3] != 255)
      }
    }
  }
}

import GRDB
import Hummingbird

/// Neutron security groups and rules under `/network/v2.0`: a group is created (201) with Neutron's two default
/// egress rules, listed (filtered by `name`…), shown and deleted (204; 409 while a port uses it); rules are
/// created (201, validated by `SecurityGroupRuleSchema`, 409 for a duplicate), listed, shown and deleted. Rules
/// have no update.
struct SecurityGroupRoutes {
  let store: CloudStore

  private static let groupAttributes: Set<String> = ["name", "description", "stateful", "project_id", "tenant_id"]
  private static let ruleAttributes: Set<String> = [
    "security_group_id", "direction", "ethertype", "protocol", "port_range_min", "port_range_max",
    "remote_ip_prefix", "remote_group_id", "description", "project_id", "tenant_id",
  ]

  private var documents: NeutronDocuments { NeutronDocuments(baseURL: store.endpoint.baseURL) }

  func register(on router: Router<SimulatorRequestContext>) {
    let groups = "/network/v2.0/security-groups"
    router.post(RouterPath(groups)) { request, context in try await createGroup(request, context) }
    router.get(RouterPath(groups)) { request, context in try await listGroups(request, context) }
    router.get(RouterPath(groups + "/:id")) { _, context in try await showGroup(context) }
    router.delete(RouterPath(groups + "/:id")) { _, context in try await deleteGroup(context) }
    let rules = "/network/v2.0/security-group-rules"
    router.post(RouterPath(rules)) { request, context in try await createRule(request, context) }
    router.get(RouterPath(rules)) { request, context in try await listRules(request, context) }
    router.get(RouterPath(rules + "/:id")) { _, context in try await showRule(context) }
    router.delete(RouterPath(rules + "/:id")) { _, context in try await deleteRule(context) }
  }

  // MARK: - Groups

  private func createGroup(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let attributes = try await NeutronBody.resource("security_group", in: request, allowed: Self.groupAttributes)
    let name = try NeutronBody.string(attributes, "name") ?? ""
    let description = try NeutronBody.string(attributes, "description") ?? ""
    let documents = documents
    let body = try await store.transaction { db, now in
      let group = SecurityGroupRecord(
        id: Identifiers.uuid(), name: name, description: description, projectID: project, revisionNumber: 1,
        createdAt: now, updatedAt: now)
      try group.insert(db)
      let rules = ["IPv4", "IPv6"].map { ethertype in
        SecurityGroupRuleRecord(
          id: Identifiers.uuid(), securityGroupID: group.id, direction: "egress", ethertype: ethertype,
          protocol: nil, portRangeMin: nil, portRangeMax: nil, remoteIPPrefix: nil, remoteGroupID: nil,
          description: "", projectID: project, revisionNumber: 0, createdAt: now, updatedAt: now)
      }
      for rule in rules { try rule.insert(db) }
      return documents.securityGroup(group, rules: rules)
    }
    return JSONResponse.make(.created, ["security_group": body])
  }

  private func listGroups(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let documents = documents
    let bodies = try await store.transaction { db, _ in
      try SecurityGroupRecord.all(project: project, in: db).map { group in
        documents.securityGroup(group, rules: try SecurityGroupRuleRecord.all(group: group.id, in: db))
      }
    }
    let filtered = NeutronDocuments.filter(bodies, by: NeutronBody.query(request))
    return JSONResponse.make(.ok, ["security_groups": .array(filtered)])
  }

  private func showGroup(_ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let id = try context.parameters.require("id")
    let documents = documents
    let body = try await store.transaction { db, _ in
      let group = try SecurityGroupRecord.find(id, project: project, in: db)
      return documents.securityGroup(group, rules: try SecurityGroupRuleRecord.all(group: group.id, in: db))
    }
    return JSONResponse.make(.ok, ["security_group": body])
  }

  private func deleteGroup(_ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let id = try context.parameters.require("id")
    try await store.transaction { db, _ in
      let group = try SecurityGroupRecord.find(id, project: project, in: db)
      let inUse = try PortRecord.fetchAll(db).contains { $0.securityGroups.contains(group.id) }
      guard !inUse else {
        throw ServiceError.neutron(.conflict, "SecurityGroupInUse", "Security Group \(group.id) in use.")
      }
      try group.delete(db)
    }
    return JSONResponse.empty(.noContent)
  }

  // MARK: - Rules

  private func createRule(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let attributes = try await NeutronBody.resource(
      "security_group_rule", in: request, allowed: Self.ruleAttributes)
    guard let groupID = try NeutronBody.string(attributes, "security_group_id") else {
      throw NeutronBody.invalidInput("security_group_id", "'security_group_id' is required")
    }
    let validated = try SecurityGroupRuleSchema.validate(attributes)
    let description = try NeutronBody.string(attributes, "description") ?? ""
    let documents = documents
    let body = try await store.transaction { db, now in
      var group = try SecurityGroupRecord.find(groupID, project: project, in: db)
      if let remote = validated.remoteGroupID {
        _ = try SecurityGroupRecord.find(remote, project: project, in: db)
      }
      let rule = SecurityGroupRuleRecord(
        id: Identifiers.uuid(), securityGroupID: group.id, direction: validated.direction,
        ethertype: validated.ethertype, protocol: validated.protocol, portRangeMin: validated.portRangeMin,
        portRangeMax: validated.portRangeMax, remoteIPPrefix: validated.remoteIPPrefix,
        remoteGroupID: validated.remoteGroupID, description: description, projectID: project, revisionNumber: 0,
        createdAt: now, updatedAt: now)
      if let existing = try SecurityGroupRuleRecord.all(group: group.id, in: db).first(where: rule.isDuplicate) {
        throw ServiceError.neutron(
          .conflict, "SecurityGroupRuleExists", "Security group rule already exists. Rule id is \(existing.id).")
      }
      try rule.insert(db)
      group.revisionNumber += 1
      group.updatedAt = now
      try group.update(db)
      return documents.rule(rule)
    }
    return JSONResponse.make(.created, ["security_group_rule": body])
  }

  private func listRules(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let documents = documents
    let rules = try await store.transaction { db, _ in
      try SecurityGroupRuleRecord.filter(Column("projectID") == project).order(Column("createdAt"), Column.rowID)
        .fetchAll(db)
    }
    let filtered = NeutronDocuments.filter(rules.map(documents.rule), by: NeutronBody.query(request))
    return JSONResponse.make(.ok, ["security_group_rules": .array(filtered)])
  }

  private func showRule(_ context: SimulatorRequestContext) async throws -> Response {
    let rule = try await findRule(context)
    return JSONResponse.make(.ok, ["security_group_rule": documents.rule(rule)])
  }

  private func deleteRule(_ context: SimulatorRequestContext) async throws -> Response {
    let rule = try await findRule(context)
    try await store.transaction { db, now in
      _ = try SecurityGroupRuleRecord.deleteOne(db, key: rule.id)
      if var group = try SecurityGroupRecord.fetchOne(db, key: rule.securityGroupID) {
        group.revisionNumber += 1
        group.updatedAt = now
        try group.update(db)
      }
    }
    return JSONResponse.empty(.noContent)
  }

  private func findRule(_ context: SimulatorRequestContext) async throws -> SecurityGroupRuleRecord {
    let project = try context.requireToken().projectID
    let id = try context.parameters.require("id")
    return try await store.transaction { db, _ in
      guard let rule = try SecurityGroupRuleRecord.fetchOne(db, key: id), rule.projectID == project else {
        throw ServiceError.neutron(
          .notFound, "SecurityGroupRuleNotFound", "Security group rule \(id) does not exist")
      }
      return rule
    }
  }
}

import Foundation
import GRDB

/// Opens the SQLite database that holds the simulated cloud and migrates it to the current schema.
enum CloudDatabase {
  // MARK: - Opening

  /// An in-memory database when `path` is nil; otherwise a WAL-mode file created with mode 0600 that other
  /// processes may open at the same time (writers wait on each other through SQLite's busy timeout).
  /// A cloud created now starts its node addresses in `nodeAddressBlock` (random when nil).
  static func open(path: String?, nodeAddressBlock: Int? = nil) throws -> DatabaseQueue {
    var configuration = Configuration()
    configuration.label = "CloudSimulator"
    configuration.foreignKeysEnabled = true
    let queue: DatabaseQueue
    if let path {
      try PrivateFile.create(at: path)
      configuration.journalMode = .wal
      configuration.busyMode = .timeout(15)
      queue = try DatabaseQueue(path: path, configuration: configuration)
    } else {
      queue = try DatabaseQueue(configuration: configuration)
    }
    try migrator.migrate(queue)
    try queue.write { db in try NodeAddressAllocator.ensureBlock(preferred: nodeAddressBlock, in: db) }
    return queue
  }

  // MARK: - Schema

  /// Versioned schema migrations; never edit a shipped migration, add a new one.
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-initial-cloud") { db in
      try db.create(table: TokenRecord.databaseTableName) { table in
        table.primaryKey("id", .text)
        table.column("methods", .text).notNull()
        table.column("userID", .text).notNull()
        table.column("userName", .text).notNull()
        table.column("projectID", .text).notNull()
        table.column("projectName", .text).notNull()
        table.column("issuedAt", .double).notNull()
        table.column("expiresAt", .double).notNull()
        table.column("auditID", .text).notNull()
        table.column("applicationCredentialID", .text)
      }
      try db.create(table: ClusterTemplateRecord.databaseTableName) { table in
        table.primaryKey("uuid", .text)
        table.column("name", .text).notNull().indexed()
        table.column("attributes", .text).notNull()
        table.column("createdAt", .double).notNull()
        table.column("updatedAt", .double)
      }
      try db.create(table: ClusterRecord.databaseTableName) { table in
        table.primaryKey("uuid", .text)
        table.column("name", .text).notNull().indexed()
        table.column("clusterTemplateID", .text).notNull().indexed()
          .references(ClusterTemplateRecord.databaseTableName, onDelete: .restrict)
        table.column("stackID", .text).notNull()
        table.column("masterCount", .integer).notNull()
        table.column("nodeCount", .integer).notNull()
        table.column("createTimeout", .integer).notNull()
        table.column("keypair", .text)
        table.column("flavorID", .text)
        table.column("masterFlavorID", .text)
        table.column("dockerVolumeSize", .integer)
        table.column("discoveryURL", .text)
        table.column("labels", .text).notNull()
        table.column("masterAddresses", .text).notNull()
        table.column("nodeAddresses", .text).notNull()
        table.column("createdAt", .double).notNull()
        table.column("createFinishesAt", .double).notNull()
        table.column("failsOnCreate", .boolean).notNull()
        table.column("updateStartedAt", .double)
        table.column("updateFinishesAt", .double)
        table.column("deleteStartedAt", .double)
        table.column("deleteFinishesAt", .double)
      }
      try db.create(table: ProxyRouteRecord.databaseTableName) { table in
        table.column("project", .text).notNull()
        table.column("domain", .text).notNull()
        table.column("backends", .text).notNull()
        table.column("createdAt", .double).notNull()
        table.primaryKey(["project", "domain"])
      }
      try db.create(table: CounterRecord.databaseTableName) { table in
        table.primaryKey("name", .text)
        table.column("value", .integer).notNull()
      }
    }
    migrator.registerMigration("v2-cluster-certificate-authority") { db in
      try db.create(table: CertificateAuthorityRecord.databaseTableName) { table in
        table.primaryKey("clusterUUID", .text)
          .references(ClusterRecord.databaseTableName, onDelete: .cascade)
        table.column("certificatePEM", .text).notNull()
        table.column("privateKeyPEM", .text).notNull()
        table.column("createdAt", .double).notNull()
      }
    }
    migrator.registerMigration("v3-network-and-compute") { db in
      try createNetworkAndComputeTables(db)
      for network in [NetworkRecord.tenant, NetworkRecord.external] {
        try network.insert(db)
      }
      for subnet in [SubnetRecord.tenantIPv4, SubnetRecord.externalIPv4] {
        try subnet.insert(db)
      }
    }
    migrator.registerMigration("v4-cloud-vps-subnets") { db in
      // The premade subnets take Cloud VPS's names and CIDRs (they were 127.0.0.0/8 stand-ins).
      for subnet in SubnetRecord.premade {
        try subnet.update(db)
      }
    }
    migrator.registerMigration("v5-kubernetes-releases-and-manifests") { db in
      try db.create(table: ReleaseRecord.databaseTableName) { table in
        table.column("clusterUUID", .text).notNull()
          .references(ClusterRecord.databaseTableName, onDelete: .cascade)
        table.column("namespace", .text).notNull()
        table.column("name", .text).notNull()
        table.column("revision", .integer).notNull()
        table.column("status", .text).notNull()
        table.column("chart", .text).notNull()
        table.column("version", .text)
        table.column("valuesSHA256", .text).notNull()
        table.column("setSHA256", .text)
        table.column("wait", .boolean).notNull()
        table.column("lastDeployed", .double).notNull()
        table.primaryKey(["clusterUUID", "namespace", "name"])
      }
      try db.create(table: ManifestRecord.databaseTableName) { table in
        table.column("clusterUUID", .text).notNull()
          .references(ClusterRecord.databaseTableName, onDelete: .cascade)
        table.column("name", .text).notNull()
        table.column("revision", .integer).notNull()
        table.column("status", .text).notNull()
        table.column("sha256", .text).notNull()
        table.column("kinds", .text).notNull()
        table.column("lastApplied", .double).notNull()
        table.primaryKey(["clusterUUID", "name"])
      }
    }
    migrator.registerMigration("v6-object-store") { db in
      try db.create(table: ObjectContainerRecord.databaseTableName) { table in
        table.column("project", .text).notNull()
        table.column("name", .text).notNull()
        table.column("readACL", .text)
        table.column("createdAt", .double).notNull()
        table.primaryKey(["project", "name"])
      }
      try db.create(table: StoredObjectRecord.databaseTableName) { table in
        table.column("project", .text).notNull()
        table.column("container", .text).notNull()
        table.column("name", .text).notNull()
        table.column("data", .blob).notNull()
        table.column("etag", .text).notNull()
        table.column("contentType", .text).notNull()
        table.column("metadata", .text).notNull()
        table.column("lastModified", .double).notNull()
        table.primaryKey(["project", "container", "name"])
        table.foreignKey(
          ["project", "container"], references: ObjectContainerRecord.databaseTableName, onDelete: .cascade)
      }
    }
    migrator.registerMigration("v7-purge-indexes") { db in
      // Every transaction first purges finished deletions and long-expired tokens: by index, not by scanning.
      try db.create(
        index: "cluster_deleteFinishesAt", on: ClusterRecord.databaseTableName, columns: ["deleteFinishesAt"])
      try db.create(index: "token_expiresAt", on: TokenRecord.databaseTableName, columns: ["expiresAt"])
    }
    return migrator
  }

  /// Neutron's networks, subnets, ports, floating IPs, security groups and rules, and Nova's server groups.
  private static func createNetworkAndComputeTables(_ db: Database) throws {
    try db.create(table: NetworkRecord.databaseTableName) { table in
      table.primaryKey("id", .text)
      table.column("name", .text).notNull().indexed()
      table.column("projectID", .text).notNull()
      table.column("isShared", .boolean).notNull()
      table.column("isExternal", .boolean).notNull()
      table.column("mtu", .integer).notNull()
      table.column("description", .text).notNull()
      table.column("createdAt", .double).notNull()
    }
    try db.create(table: SubnetRecord.databaseTableName) { table in
      table.primaryKey("id", .text)
      table.column("networkID", .text).notNull().indexed()
        .references(NetworkRecord.databaseTableName, onDelete: .restrict)
      table.column("name", .text).notNull()
      table.column("projectID", .text).notNull()
      table.column("ipVersion", .integer).notNull()
      table.column("cidr", .text).notNull()
      table.column("gatewayIP", .text)
      table.column("createdAt", .double).notNull()
    }
    try db.create(table: PortRecord.databaseTableName) { table in
      table.primaryKey("id", .text)
      table.column("name", .text).notNull().indexed()
      table.column("networkID", .text).notNull().indexed()
        .references(NetworkRecord.databaseTableName, onDelete: .restrict)
      table.column("projectID", .text).notNull().indexed()
      table.column("macAddress", .text).notNull()
      table.column("fixedIPs", .text).notNull()
      table.column("allowedAddressPairs", .text).notNull()
      table.column("securityGroups", .text).notNull()
      table.column("description", .text).notNull()
      table.column("deviceID", .text).notNull()
      table.column("deviceOwner", .text).notNull()
      table.column("adminStateUp", .boolean).notNull()
      table.column("revisionNumber", .integer).notNull()
      table.column("createdAt", .double).notNull()
      table.column("updatedAt", .double).notNull()
    }
    try db.create(table: FloatingIPRecord.databaseTableName) { table in
      table.primaryKey("id", .text)
      table.column("floatingNetworkID", .text).notNull()
        .references(NetworkRecord.databaseTableName, onDelete: .restrict)
      table.column("floatingIPAddress", .text).notNull().unique()
      table.column("portID", .text).indexed()
      table.column("fixedIPAddress", .text)
      table.column("projectID", .text).notNull().indexed()
      table.column("description", .text).notNull()
      table.column("revisionNumber", .integer).notNull()
      table.column("createdAt", .double).notNull()
      table.column("updatedAt", .double).notNull()
    }
    try db.create(table: SecurityGroupRecord.databaseTableName) { table in
      table.primaryKey("id", .text)
      table.column("name", .text).notNull().indexed()
      table.column("description", .text).notNull()
      table.column("projectID", .text).notNull().indexed()
      table.column("revisionNumber", .integer).notNull()
      table.column("createdAt", .double).notNull()
      table.column("updatedAt", .double).notNull()
    }
    try db.create(table: SecurityGroupRuleRecord.databaseTableName) { table in
      table.primaryKey("id", .text)
      table.column("securityGroupID", .text).notNull().indexed()
        .references(SecurityGroupRecord.databaseTableName, onDelete: .cascade)
      table.column("direction", .text).notNull()
      table.column("ethertype", .text).notNull()
      table.column("protocol", .text)
      table.column("portRangeMin", .integer)
      table.column("portRangeMax", .integer)
      table.column("remoteIPPrefix", .text)
      table.column("remoteGroupID", .text)
      table.column("description", .text).notNull()
      table.column("projectID", .text).notNull()
      table.column("revisionNumber", .integer).notNull()
      table.column("createdAt", .double).notNull()
      table.column("updatedAt", .double).notNull()
    }
    try db.create(table: ServerGroupRecord.databaseTableName) { table in
      table.primaryKey("id", .text)
      table.column("name", .text).notNull()
      table.column("policy", .text).notNull()
      table.column("rules", .text).notNull()
      table.column("projectID", .text).notNull().indexed()
      table.column("userID", .text).notNull()
      table.column("createdAt", .double).notNull()
    }
  }
}

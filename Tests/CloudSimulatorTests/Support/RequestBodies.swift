@testable import CloudSimulator

/// Request bodies shaped like the OpenStack API reference samples, with PAWS values.
enum RequestBodies {
  // MARK: - Keystone

  static func applicationCredential(
    id: String = "cutover-simulator", secret: String = "simulator-secret", scope: JSONValue? = nil
  ) -> JSONValue {
    var auth: [String: JSONValue] = [
      "identity": [
        "methods": ["application_credential"],
        "application_credential": ["id": .string(id), "secret": .string(secret)],
      ]
    ]
    if let scope { auth["scope"] = scope }
    return ["auth": .object(auth)]
  }

  static func applicationCredentialByName() -> JSONValue {
    [
      "auth": [
        "identity": [
          "methods": ["application_credential"],
          "application_credential": [
            "name": "cutover-simulator", "secret": "simulator-secret",
            "user": ["name": "simulator", "domain": ["name": "Default"]],
          ],
        ]
      ]
    ]
  }

  static func password(
    project: JSONValue = ["name": "paws", "domain": ["name": "Default"]], secret: String = "simulator-password"
  ) -> JSONValue {
    [
      "auth": [
        "identity": [
          "methods": ["password"],
          "password": [
            "user": ["name": "simulator", "password": .string(secret), "domain": ["name": "Default"]]
          ],
        ],
        "scope": ["project": project],
      ]
    ]
  }

  // MARK: - Magnum

  static func template(name: String) -> JSONValue {
    [
      "name": .string(name),
      "coe": "kubernetes",
      "image_id": "magnum-fedora-coreos-38",
      "keypair_id": "rook",
      "flavor_id": "g4.cores8.ram32.disk20",
      "master_flavor_id": "g4.cores2.ram4.disk20",
      "external_network_id": "wan-transport-eqiad",
      "fixed_network": "lan-flat-cloudinstances2b",
      "fixed_subnet": "cloud-instances2-b-eqiad",
      "network_driver": "calico",
      "docker_storage_driver": "overlay2",
      "docker_volume_size": 80,
      "dns_nameserver": "8.8.8.8",
      "floating_ip_enabled": false,
      "master_lb_enabled": false,
      "labels": ["kube_tag": "v1.27.8-rancher2", "auto_scaling_enabled": "false"],
    ]
  }

  static func cluster(name: String, template: String, masters: Int = 1, workers: Int = 2) -> JSONValue {
    [
      "name": .string(name),
      "cluster_template_id": .string(template),
      "master_count": .int(masters),
      "node_count": .int(workers),
      "create_timeout": 60,
      "discovery_url": .null,
      "keypair": .null,
      "flavor_id": .null,
      "master_flavor_id": .null,
      "labels": [:],
    ]
  }
}

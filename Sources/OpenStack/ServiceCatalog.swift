import Foundation

// MARK: - ServiceCatalog

/// The service catalog of a Keystone token, and endpoint selection by type, interface and region.
struct ServiceCatalog: Sendable, Equatable {
  /// One catalog entry (`{"type", "name", "id", "endpoints"}`).
  struct Service: Decodable, Sendable, Equatable {
    var type: String
    var name: String?
    var endpoints: [Endpoint]
  }

  /// One endpoint (`{"id", "interface", "region", "region_id", "url"}`).
  struct Endpoint: Decodable, Sendable, Equatable {
    var interface: String
    var region: String?
    var regionID: String?
    var url: String

    enum CodingKeys: String, CodingKey {
      case interface
      case region
      case regionID = "region_id"
      case url
    }
  }

  var services: [Service]

  /// The URL of the first service type (in the given order) that has an endpoint with this interface and, when
  /// `region` is given, whose `region` or `region_id` equals it. Nil when none matches.
  func endpointURL(serviceTypes: [String], interface: String, region: String?) -> String? {
    for type in serviceTypes {
      for service in services where service.type == type {
        let match = service.endpoints.first { endpoint in
          CloudConfigLoader.normalizedInterface(endpoint.interface) == interface
            && (region == nil || endpoint.region == region || endpoint.regionID == region)
        }
        if let match { return match.url }
      }
    }
    return nil
  }

  /// What the catalog offers, for an error message: `identity (public eqiad1-r, admin eqiad1-r), proxy (…)`.
  var summary: String {
    guard !services.isEmpty else { return "an empty catalog" }
    return services.map { service in
      let endpoints = service.endpoints.map { endpoint in
        [endpoint.interface, endpoint.region ?? endpoint.regionID].compactMap { $0 }.joined(separator: " ")
      }
      return "\(service.type) (\(endpoints.joined(separator: ", ")))"
    }.joined(separator: ", ")
  }
}

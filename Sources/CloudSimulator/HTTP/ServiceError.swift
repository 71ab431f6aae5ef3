import Hummingbird

/// A request a simulated service refuses; the gateway renders it in that service's error shape.
struct ServiceError: Error, Sendable {
  var status: HTTPResponse.Status
  var message: String
  /// Authentication failures are answered by keystonemiddleware in front of every service, so they always
  /// take Keystone's error shape.
  var isAuthenticationFailure = false
  /// Neutron's exception name for the `type` of a `NeutronError` body (`PortNotFound`…); nil for the generic one.
  var neutronType: String?

  init(_ status: HTTPResponse.Status, _ message: String) {
    self.status = status
    self.message = message
  }

  // MARK: - Common errors

  /// A missing, unknown or expired `X-Auth-Token`.
  static var unauthenticated: ServiceError {
    var error = ServiceError(.unauthorized, "The request you have made requires authentication.")
    error.isAuthenticationFailure = true
    return error
  }

  static func badRequest(_ message: String) -> ServiceError {
    ServiceError(.badRequest, message)
  }

  static func notFound(_ message: String) -> ServiceError {
    ServiceError(.notFound, message)
  }

  /// A Neutron error with its exception name.
  static func neutron(_ status: HTTPResponse.Status, _ type: String, _ message: String) -> ServiceError {
    var error = ServiceError(status, message)
    error.neutronType = type
    return error
  }
}

/// A simulator setting read from the environment could not be understood.
public struct SimulatorConfigurationError: Error, Equatable, CustomStringConvertible {
  /// The environment variable holding the bad value.
  public var variable: String
  /// The value as found.
  public var value: String
  /// What the variable must contain.
  public var expectation: String

  public init(variable: String, value: String, expectation: String) {
    self.variable = variable
    self.value = value
    self.expectation = expectation
  }

  public var description: String {
    "\(variable) must be \(expectation), got \"\(value)\""
  }
}

import CutoverKit
import Foundation

extension Plan {
  /// The change at an address (the current object's, not a deposed one's).
  func change(_ address: String) -> PlannedChange? {
    changes.first { $0.address.description == address && $0.deposedKey == nil }
  }

  /// Every address with its action, in plan order: the shape most planner tests compare.
  var actions: [String: PlannedChange.Action] {
    Dictionary(changes.map { ($0.displayAddress, $0.action) }, uniquingKeysWith: { first, _ in first })
  }
}

extension StateVersion {
  /// The lineage and serial every planner and golden-file test plans against.
  static let fixed = StateVersion(lineage: "8c1f4e2a-5b6d-4c3e-9f70-1a2b3c4d5e6f", serial: 7)
}

extension Date {
  /// The `createdAt` of every plan a golden file shows.
  static let fixedPlanTime = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
}

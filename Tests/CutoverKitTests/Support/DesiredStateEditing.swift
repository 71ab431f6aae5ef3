import CutoverKit
import Testing

extension DesiredState {
  /// A copy with one generation changed, as if its lines in the file were edited.
  func editing(
    generation id: String, sourceLocation: SourceLocation = #_sourceLocation, _ change: (inout Generation) -> Void
  ) -> DesiredState {
    var copy = self
    guard let index = copy.generations.firstIndex(where: { $0.id == id }) else {
      Issue.record("no generation \(id)", sourceLocation: sourceLocation)
      return copy
    }
    change(&copy.generations[index])
    return copy
  }

  /// A copy with a generation's block removed from the file.
  func removing(generation id: String) -> DesiredState {
    var copy = self
    copy.generations.removeAll { $0.id == id }
    return copy
  }

  /// A copy whose `live:` names another generation.
  func switchingLive(to id: String) -> DesiredState {
    var copy = self
    copy.live = id
    return copy
  }
}

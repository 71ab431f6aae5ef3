import Synchronization

/// Answers of a pure function kept by their input: a plan of 1,429 generations asks the same questions of the same
/// keys and digests once per generation, and the answer never changes. Bounded: past `limit` entries it starts over.
final class Memo<Key: Hashable & Sendable, Answer: Sendable>: Sendable {
  private let answers = Mutex<[Key: Answer]>([:])
  private let limit: Int

  init(limit: Int = 100_000) {
    self.limit = limit
  }

  func answer(_ key: Key, _ compute: (Key) -> Answer) -> Answer {
    if let known = answers.withLock({ $0[key] }) { return known }
    let answer = compute(key)
    answers.withLock { answers in
      if answers.count >= limit { answers.removeAll(keepingCapacity: true) }
      answers[key] = answer
    }
    return answer
  }
}

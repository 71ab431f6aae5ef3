import HeapModule

/// A directed graph of nodes and the nodes each depends on, with a deterministic topological order.
public struct DependencyGraph<Node: Hashable & Comparable & Sendable>: Sendable {
  /// For each node, the nodes it depends on (that must come first).
  public private(set) var dependencies: [Node: Set<Node>] = [:]

  public init() {}

  public mutating func add(_ node: Node) {
    if dependencies[node] == nil { dependencies[node] = [] }
  }

  /// Records that `node` needs `dependency` first.
  public mutating func add(_ node: Node, dependsOn dependency: Node) {
    add(dependency)
    dependencies[node, default: []].insert(dependency)
  }

  public var nodes: [Node] { Array(dependencies.keys) }

  /// The nodes that depend on each node.
  public var dependents: [Node: Set<Node>] {
    var result: [Node: Set<Node>] = [:]
    for (node, needs) in dependencies {
      for need in needs { result[need, default: []].insert(node) }
    }
    return result
  }

  /// Every node, each after all of its dependencies; ties broken by the nodes' order, so output is stable.
  /// - Throws: `GraphCycle` with the nodes of one cycle when there is no such order.
  public func topologicalOrder() throws(GraphCycle<Node>) -> [Node] {
    var remaining = dependencies.mapValues(\.count)
    let dependents = self.dependents
    // The smallest ready node goes next: a heap keeps that O(n log n) however wide the graph.
    var ready = Heap(remaining.filter { $0.value == 0 }.map(\.key))
    var order: [Node] = []
    order.reserveCapacity(dependencies.count)
    while let node = ready.popMin() {
      order.append(node)
      for dependent in dependents[node] ?? [] {
        remaining[dependent]! -= 1
        if remaining[dependent] == 0 { ready.insert(dependent) }
      }
    }
    guard order.count == dependencies.count else { throw GraphCycle(nodes: findCycle()) }
    return order
  }

  /// All nodes `start` depends on, directly or not, with `start` itself.
  public func closure(of start: some Sequence<Node>) -> Set<Node> {
    var seen = Set<Node>()
    var stack = Array(start)
    while let node = stack.popLast() {
      guard seen.insert(node).inserted else { continue }
      stack.append(contentsOf: dependencies[node] ?? [])
    }
    return seen
  }

  /// One cycle, found by depth-first search, starting from its smallest node.
  private func findCycle() -> [Node] {
    var marks: [Node: Bool] = [:]  // false while on the current path, true once finished
    var path: [Node] = []
    func visit(_ node: Node) -> [Node]? {
      if marks[node] == true { return nil }
      if marks[node] == false {
        return Array(path[path.firstIndex(of: node)!...])
      }
      marks[node] = false
      path.append(node)
      for next in (dependencies[node] ?? []).sorted() {
        if let cycle = visit(next) { return cycle }
      }
      path.removeLast()
      marks[node] = true
      return nil
    }
    for node in dependencies.keys.sorted() {
      if let cycle = visit(node) {
        let start = cycle.firstIndex(of: cycle.min()!)!
        return Array(cycle[start...] + cycle[..<start])
      }
    }
    return []
  }
}

/// A dependency cycle, listed in dependency order.
public struct GraphCycle<Node: Hashable & Sendable>: Error, Sendable {
  public var nodes: [Node]
}

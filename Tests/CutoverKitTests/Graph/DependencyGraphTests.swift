import CutoverKit
import Testing

@Suite("Dependency graph")
struct DependencyGraphTests {
  /// template → cluster → kubeconfig, and a proxy on the cluster: the shape of one generation.
  private func generationGraph(insertingInReverse: Bool = false) -> DependencyGraph<String> {
    var edges = [
      ("cluster", "template"), ("kubeconfig", "cluster"), ("proxy", "cluster"), ("release", "kubeconfig"),
    ]
    if insertingInReverse { edges.reverse() }
    var graph = DependencyGraph<String>()
    graph.add("unrelated")
    for (node, dependency) in edges { graph.add(node, dependsOn: dependency) }
    return graph
  }

  @Test("every node comes after the nodes it depends on")
  func orderRespectsDependencies() throws {
    let graph = generationGraph()
    let order = try graph.topologicalOrder()
    #expect(Set(order) == Set(graph.nodes))
    #expect(order.count == graph.nodes.count)
    let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
    for (node, needs) in graph.dependencies {
      for need in needs {
        #expect(position[need]! < position[node]!, "\(need) before \(node)")
      }
    }
  }

  @Test("ties are broken by the nodes' own order, whatever order they were added in")
  func orderIsDeterministic() throws {
    let expected = ["template", "cluster", "kubeconfig", "proxy", "release", "unrelated"]
    #expect(try generationGraph().topologicalOrder() == expected)
    #expect(try generationGraph(insertingInReverse: true).topologicalOrder() == expected)
  }

  @Test("a cycle is reported with exactly its nodes, each depending on the next")
  func cycleIsReported() throws {
    var graph = DependencyGraph<String>()
    graph.add("a", dependsOn: "b")
    graph.add("b", dependsOn: "c")
    graph.add("c", dependsOn: "a")
    graph.add("tail", dependsOn: "a")
    graph.add("c", dependsOn: "root")

    let cycle = try #require(throws: GraphCycle<String>.self) { try graph.topologicalOrder() }
    #expect(Set(cycle.nodes) == ["a", "b", "c"])
    #expect(cycle.nodes.count == 3)
    for (index, node) in cycle.nodes.enumerated() {
      let next = cycle.nodes[(index + 1) % cycle.nodes.count]
      #expect(graph.dependencies[node]?.contains(next) == true, "\(node) depends on \(next)")
    }
  }

  @Test("a node that depends on itself is a cycle of one")
  func selfLoopIsACycle() throws {
    var graph = DependencyGraph<String>()
    graph.add("a", dependsOn: "a")
    let cycle = try #require(throws: GraphCycle<String>.self) { try graph.topologicalOrder() }
    #expect(cycle.nodes == ["a"])
  }

  @Test("closure holds the start and everything it depends on, and nothing that depends on it")
  func closureFollowsDependenciesOnly() {
    let graph = generationGraph()
    #expect(graph.closure(of: ["kubeconfig"]) == ["kubeconfig", "cluster", "template"])
    #expect(graph.closure(of: ["template"]) == ["template"])
    #expect(graph.closure(of: ["release", "proxy"]) == ["release", "proxy", "kubeconfig", "cluster", "template"])
  }
}

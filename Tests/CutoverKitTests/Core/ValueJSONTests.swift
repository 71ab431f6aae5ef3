import Foundation
import Testing

@testable import CutoverKit

@Suite("Value as JSON")
struct ValueJSONTests {
  @Test("every shape of value survives writing and reading back")
  func roundTrip() throws {
    let value: Value = [
      "null": nil, "yes": true, "no": false, "count": 42, "negative": -7, "text": "paws-127d",
      "escapes": "quote \" backslash \\ newline \n tab \t bell \u{07} é 漢 🚀",
      "list": ["http://127.0.1.2:30001", 1, [true]], "nested": ["labels": ["kube_tag": "v1.27.8-rancher2"]],
      "empty list": [], "empty map": [:],
    ]
    #expect(try Value(json: value.jsonText.utf8) == value)
  }

  @Test("maps are written with sorted keys, so equal values give equal text")
  func sortedKeys() {
    let value: Value = ["b": 1, "a": 2, "c": ["z": 1, "y": 2]]
    #expect(value.jsonText == #"{"a":2,"b":1,"c":{"y":2,"z":1}}"#)
  }

  @Test("JSON written by Foundation reads the same, escapes and surrogate pairs included")
  func readsFoundationJSON() throws {
    let object: [String: Any] = ["s": "a\"b\\c/d\u{1F680}", "n": [1, 2, 3], "b": false, "z": NSNull()]
    let data = try JSONSerialization.data(withJSONObject: object)
    #expect(
      try Value(json: data) == ["s": "a\"b\\c/d\u{1F680}", "n": [1, 2, 3], "b": false, "z": nil])
    #expect(try Value(json: Data(#"["\ud83d\ude80", "\u00e9", "\n"]"#.utf8)) == ["🚀", "é", "\n"])
  }

  @Test("a number with a fraction or an exponent reads as a number, and is written back as one")
  func fractions() throws {
    let value = try Value(json: Data("[1.5, 2e3, -0.25, 1e23, 1.5e-7]".utf8))
    #expect(value.jsonText == "[1.5,2000,-0.25,1e+23,1.5e-07]")
    #expect(try Value(json: value.jsonText.utf8) == value)
  }

  @Test("malformed JSON is an error with its offset", arguments: ["{", #"{"a" 1}"#, "[1,]", "tru", #""abc"#, "{} x"])
  func malformed(text: String) {
    #expect(throws: JSONParseError.self) { try Value(json: Data(text.utf8)) }
  }
}

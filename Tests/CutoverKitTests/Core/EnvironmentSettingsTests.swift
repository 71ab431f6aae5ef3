import EnvironmentSettings
import Testing

/// The one reader of settings from environment variables: bounds, and an error naming the variable.
@Suite("Environment settings")
struct EnvironmentSettingsTests {
  private let settings = EnvironmentSettings([
    "SECONDS": " 2.5 ", "BLANK": "  ", "PORT": "30001", "RATE": "0.25", "LEVEL": "Debug", "NAMES": "a, b,,",
  ])

  @Test("a value within its bounds is read; an unset or blank variable is nil, so the default applies")
  func withinBounds() throws {
    #expect(try settings.number("SECONDS", in: 1...86_400, unit: "seconds") == 2.5)
    #expect(try settings.number("BLANK", in: 1...86_400, unit: "seconds") == nil)
    #expect(try settings.number("UNSET", in: 1...86_400, unit: "seconds") == nil)
    #expect(try settings.integer("PORT", in: 0...65_535) == 30001)
    #expect(try settings.fraction("RATE") == 0.25)
    #expect(try settings.choice("LEVEL", from: ["trace", "debug"]) == "debug")
    #expect(settings.names("NAMES") == ["a", "b"])
  }

  @Test(
    "a number that is not finite, not decimal or out of range is an error naming the variable, the range and the value",
    arguments: ["inf", "-inf", "nan", "1e300", "0x10", "0", "86401", "soon", "1,5"])
  func numberOutOfBounds(text: String) {
    let error = #expect(throws: EnvironmentSettingError.self) {
      _ = try EnvironmentSettings(["TTL": text]).number("TTL", in: 1...86_400, unit: "seconds")
    }
    #expect(error?.description == "TTL must be a number of seconds from 1 to 86400, found \"\(text)\"")
  }

  @Test("a whole number out of range, or with a fraction, is an error")
  func integerOutOfBounds() {
    for text in ["65536", "-1", "30001.5", "1e3"] {
      let error = #expect(throws: EnvironmentSettingError.self) {
        _ = try EnvironmentSettings(["PORT": text]).integer("PORT", in: 0...65_535, meaning: "a port")
      }
      #expect(error?.description == "PORT must be a port from 0 to 65535, found \"\(text)\"")
    }
  }

  @Test("a word outside the choices is an error listing them; control characters in the value are escaped")
  func choices() {
    let error = #expect(throws: EnvironmentSettingError.self) {
      _ = try EnvironmentSettings(["LEVEL": "loud\n"]).choice("LEVEL", from: ["info", "debug"])
    }
    #expect(error?.description == #"LEVEL must be one of info, debug, found "loud\n""#)
  }
}

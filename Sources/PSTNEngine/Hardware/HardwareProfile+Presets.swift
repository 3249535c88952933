import Foundation

extension HardwareProfile {
    /// Read and validate a profile file.
    public static func load(path: String) throws(HardwareProfileError) -> HardwareProfile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw HardwareProfileError(file: path, message: "cannot read the profile: \(error.localizedDescription)")
        }
        return try parse(text, file: path)
    }

    /// The preset names in a `hw-profiles` directory: its `*.yaml` files without the extension, sorted.
    public static func presetNames(in directory: String) throws(HardwareProfileError) -> [String] {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw HardwareProfileError(file: directory, message: "cannot list the profile directory: \(error.localizedDescription)")
        }
        return entries.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.filter(isPresetName).sorted()
    }

    /// The preset `name` (`<directory>/<name>.yaml`); its `name:` must match the file name.
    public static func preset(named name: String, in directory: String) throws(HardwareProfileError) -> HardwareProfile {
        guard isPresetName(name) else {
            throw HardwareProfileError(file: directory, message: "'\(name)' is not a preset name (lowercase letters, digits and '-')")
        }
        let path = (directory as NSString).appendingPathComponent(name + ".yaml")
        guard FileManager.default.fileExists(atPath: path) else {
            let known = (try? presetNames(in: directory))?.joined(separator: ", ") ?? "none"
            throw HardwareProfileError(file: path, message: "no hardware profile '\(name)' (presets: \(known))")
        }
        let profile = try load(path: path)
        guard profile.name == name else {
            throw profile.fail("name", "the profile in \(name).yaml is named '\(profile.name)'; a preset's name is its file name")
        }
        return profile
    }
}

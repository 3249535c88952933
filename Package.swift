// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "PSTNEngine",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PSTNEngine", targets: ["PSTNEngine"]),
        .library(name: "DAHDIEmulator", targets: ["DAHDIEmulator"]),
        .executable(name: "dahdi-emu", targets: ["dahdi-emu"]),
        .executable(name: "pstn-hwinfo", targets: ["pstn-hwinfo"]),
        .executable(name: "pstn-bench", targets: ["pstn-bench"]),
        .executable(name: "pstn-sim", targets: ["pstn-sim"]),
        .executable(name: "pstnd", targets: ["pstnd"]),
        .executable(name: "pstnctl", targets: ["pstnctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
    ],
    targets: [
        // C shim over <dahdi/user.h> and libtonezone: the ioctl numbers Swift cannot import.
        .target(
            name: "CDAHDI",
            linkerSettings: [.linkedLibrary("tonezone")]
        ),
        // Hand-written SIMD kernels for the media loop, dispatched on the CPU's features.
        .target(name: "CMediaKernels"),
        // The G.168 Annex D echo path models from spandsp, for the lab's impaired cables.
        .target(name: "CG168Models"),
        .systemLibrary(name: "CFUSE3", pkgConfig: "fuse3",
                       providers: [.apt(["libfuse3-dev", "fuse3"])]),
        .systemLibrary(name: "CSpanDSP", pkgConfig: "spandsp",
                       providers: [.apt(["libspandsp-dev"])]),
        // Fax pages: read and compare TIFF-F documents.
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4",
                       providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSampleRate", pkgConfig: "samplerate", providers: [.apt(["libsamplerate0-dev"])]),
        .systemLibrary(name: "CLibPRI", providers: [.apt(["libpri-dev"])]),
        .systemLibrary(name: "CLibSS7", providers: [.apt(["libss7-dev"])]),
        .systemLibrary(name: "CXattr"),

        // Hardware (DAHDI) layer; the media layer joins it here.
        // Release builds skip Swift's run-time exclusivity checks here: the media loop touches a
        // few dozen stored properties of each channel every chunk, and at 1 ms chunks the checks
        // cost as much as the DSP. Debug builds (and so the tests) keep them.
        .target(
            name: "PSTNEngine",
            dependencies: ["CDAHDI", "CSpanDSP", "CMediaKernels", "CSndFile", "CSampleRate",
                           .product(name: "Yams", package: "Yams")],
            swiftSettings: [.swiftLanguageMode(.v6),
                            .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // Signalling: the one call model over PRI, SS7 and analog lines.
        .target(
            name: "CallControl",
            dependencies: ["PSTNEngine", "CLibPRI", "CLibSS7", "CSpanDSP", "CDAHDI",
                           .product(name: "Yams", package: "Yams")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The carrier on the other end of the lab cables: scenarios, scripted calls and load runs.
        .target(
            name: "CarrierSimulator",
            dependencies: ["CallControl", "PSTNEngine", "FaxService", "CSndFile", .product(name: "Yams", package: "Yams")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "pstn-sim",
            dependencies: ["CarrierSimulator", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The call center's applications: the IVR (flows, prompts, spoken numbers).
        .target(
            name: "CallCenter",
            dependencies: ["CallControl", "PSTNEngine", .product(name: "Yams", package: "Yams")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The daemon: configuration, the built-in applications, the event log.
        .target(
            name: "Daemon",
            dependencies: ["CallControl", "CallCenter", "PSTNEngine", "Storage", "Control", "FaxService", "CXattr",
                           .product(name: "Yams", package: "Yams"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "CoreMetrics", package: "swift-metrics"),
                           .product(name: "Prometheus", package: "swift-prometheus")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "pstnd",
            dependencies: ["Daemon", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The control socket: its protocol (framing, requests and responses, roles), the server
        // the daemon runs and the client pstnctl uses.
        .target(
            name: "Control",
            dependencies: [.product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The operator's tool: the control socket from a shell.
        .executableTarget(
            name: "pstnctl",
            dependencies: ["Control", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // Fax receive, send and fax-on-demand over spandsp's T.30.
        .target(
            name: "FaxService",
            dependencies: ["PSTNEngine", "CallControl", "CSpanDSP", "CTIFF"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The userspace DAHDI: lab model, line emulation and the DAHDI device semantics.
        // Optimised even in debug builds: the lab's clock thread runs every cable every
        // millisecond and the media tests push hundreds of FUSE requests per chunk through it.
        .target(
            name: "DAHDIEmulator",
            dependencies: ["CDAHDI", "CFUSE3", "CSpanDSP", "CG168Models", "PSTNEngine",
                           .product(name: "Yams", package: "Yams")],
            swiftSettings: [.swiftLanguageMode(.v6), .unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .executableTarget(
            name: "dahdi-emu",
            dependencies: ["DAHDIEmulator", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "pstn-bench",
            dependencies: ["PSTNEngine", "FaxService"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "pstn-hwinfo",
            dependencies: ["PSTNEngine", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // Starts dahdi-emu (and later pstnd, pstn-sim) as real processes for lab tests.
        .target(
            name: "LabTestSupport",
            dependencies: ["PSTNEngine", "DAHDIEmulator", "CSndFile"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The store: CDRs per call and per leg, the call event log, crash recovery (SQLite via GRDB).
        .target(
            name: "Storage",
            dependencies: ["CallControl", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // Writes open calls to a store and waits to be killed: the crash-recovery test's victim.
        .executableTarget(
            name: "pstn-store-crashtest",
            dependencies: ["Storage", "CallControl"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "CallControl", "PSTNEngine", "LabTestSupport", "pstn-store-crashtest"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "PSTNEngineTests",
            dependencies: ["PSTNEngine", "CMediaKernels", "DAHDIEmulator", "LabTestSupport"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "CallControlTests",
            dependencies: ["CallControl", "PSTNEngine", "DAHDIEmulator", "LabTestSupport"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "CarrierSimulatorTests",
            dependencies: ["CarrierSimulator", "CallControl", "LabTestSupport"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "DaemonTests",
            dependencies: ["Daemon", "CallControl", "Storage", "Control", "LabTestSupport", "FaxService", "CXattr"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "CallCenterTests",
            dependencies: ["CallCenter", "CallControl", "PSTNEngine"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "ControlTests",
            dependencies: ["Control", "LabTestSupport"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "FaxServiceTests",
            dependencies: ["FaxService", "PSTNEngine", "LabTestSupport"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "DAHDIEmulatorTests",
            dependencies: ["DAHDIEmulator", "PSTNEngine", "LabTestSupport"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)

// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "OnSite",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "onsite", targets: ["onsite"]),
        .executable(name: "onsite-relay", targets: ["onsite-relay"]),
        .executable(name: "onsite-bench", targets: ["onsite-bench"]),
        .library(name: "OnSiteCore", targets: ["OnSiteCore"]),
        .library(name: "OnSiteSync", targets: ["OnSiteSync"]),
    ],
    dependencies: [
        // Hummingbird without its default traits: about half the cold build time (see shared/BUILDING.md).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Already in the graph through Hummingbird; the relay's connection guard reads its HTTP part types.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        // Already in the graph through Hummingbird; the relay's periodic log compaction runs as one of its services.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // The relay's /metrics: swift-metrics as the API, swift-prometheus as the backend and text format.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // The load benchmark's latency percentiles.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        // The relay's PostgreSQL store (several relays on one database).
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // MARK: C shims
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // libjpeg-turbo's TurboJPEG API: the supervisor page's photo thumbnails (scaled decode).
        .systemLibrary(
            name: "CTurboJPEG",
            pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]
        ),

        // MARK: Pure libraries
        .target(name: "OnSiteCore"),
        .target(name: "OnSiteSync", dependencies: ["OnSiteCore"]),
        .target(name: "OnSiteCrypto", dependencies: ["CCrypto"]),
        // gzip for the wire (HTTP Content-Encoding), with bounded inflation against decompression bombs.
        .target(name: "OnSiteCompression", dependencies: ["CZlib"]),
        // Durable files (temp file, fsync, rename, fsync the folder), mapped reads and the durable SQLite
        // configuration, shared by client and relay.
        .target(name: "OnSiteStorage", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        // A real `onsite-relay serve` process to run against: the benchmarks' and the end-to-end tests' launcher.
        .target(name: "OnSiteRelayProcess"),
        // Fixtures shared by the test targets (seeded generators).
        .target(name: "OnSiteTesting"),
        // A PostgreSQL server of the tests' own (initdb, pg_ctl on a loopback port), a fresh database per test: the
        // relay's store tests and the end-to-end tests' relay processes on one database.
        .target(name: "OnSitePostgresTesting", dependencies: ["OnSiteRelayProcess"]),
        // A fault-injecting TCP proxy (rate limit, delay, seeded cuts) for end-to-end tests and benchmarks.
        .target(name: "OnSiteLinkProxy"),

        // MARK: Client and relay
        .target(
            name: "OnSiteClient",
            dependencies: [
                "OnSiteCore", "OnSiteSync", "OnSiteCrypto", "OnSiteCompression", "OnSiteStorage", "CCurl",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "OnSiteRelay",
            dependencies: [
                "OnSiteCore", "OnSiteSync", "OnSiteCrypto", "OnSiteCompression", "OnSiteStorage", "CTurboJPEG",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),

        // An in-process relay and enrolled field clients for tests (no socket, no subprocess).
        .target(
            name: "OnSiteClientTesting",
            dependencies: [
                "OnSiteClient", "OnSiteRelay", "OnSiteSync", "OnSiteCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),

        // MARK: Executables
        .executableTarget(
            name: "onsite",
            dependencies: [
                "OnSiteClient", "OnSiteCore", "OnSiteSync", "OnSiteStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "onsite-relay",
            dependencies: [
                "OnSiteRelay", "OnSiteCore", "OnSiteSync", "OnSiteCrypto", "OnSiteStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .executableTarget(
            name: "onsite-bench",
            dependencies: [
                "OnSiteClient", "OnSiteCore", "OnSiteSync", "OnSiteCrypto", "OnSiteRelayProcess", "OnSiteLinkProxy",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),

        // MARK: Tests
        .testTarget(name: "OnSiteCoreTests", dependencies: ["OnSiteCore", "OnSiteTesting"]),
        .testTarget(name: "OnSiteCryptoTests", dependencies: ["OnSiteCrypto", "OnSiteTesting", "OnSiteRelayProcess"]),
        .testTarget(name: "OnSiteSyncTests", dependencies: ["OnSiteSync", "OnSiteCore", "OnSiteTesting"]),
        .testTarget(
            name: "OnSiteClientTests",
            dependencies: ["OnSiteClient", "OnSiteSync", "OnSiteCore", "OnSiteClientTesting", "OnSiteRelayProcess", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "OnSiteRelayTests",
            dependencies: [
                "OnSiteRelay", "OnSiteSync", "OnSiteCore", "OnSiteCompression", "CTurboJPEG",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "OnSitePostgresTesting", "OnSiteRelayProcess", "OnSiteLinkProxy",
            ]
        ),
        .testTarget(
            name: "SyncPropertyTests",
            dependencies: [
                "OnSiteClient", "OnSiteRelay", "OnSiteSync", "OnSiteCore", "OnSiteTesting", "OnSiteClientTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["OnSiteClient", "OnSiteSync", "OnSiteCore", "OnSiteTesting", "OnSiteRelayProcess", "OnSiteLinkProxy", "OnSiteCrypto", "onsite", "onsite-relay",
                           "OnSitePostgresTesting",
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ]
)

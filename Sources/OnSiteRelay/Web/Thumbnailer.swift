import CTurboJPEG
import Foundation
import OnSiteCore
import Synchronization

/// Why a photo has no thumbnail.
struct ThumbnailError: Error, CustomStringConvertible {
    let description: String
}

/// Small JPEG thumbnails of evidence photos, made with libjpeg-turbo: the photo is decoded already scaled down
/// (the DCT scaling of 1/2 … 1/8 costs a fraction of a full decode), turned upright as its EXIF orientation says
/// (the small decoded pixels are moved; ``JPEGOrientation``), then encoded again at quality 75.
///
/// The file is mapped, not read: the decoder touches the headers and the scan, and skips the pages of anything
/// else (comment or padding segments), so a thumbnail of a 200 MB photo costs its image data only.
enum Thumbnailer {
    /// The longest side a thumbnail aims at; the nearest DCT scale at or under it is used.
    static let targetSide = 320
    /// Photos whose header claims more pixels than this are refused before any decoding (decompression bombs).
    static let maxSourcePixels = 100_000_000

    /// The thumbnail of the JPEG file at `path`, mapped rather than read.
    static func thumbnail(ofFile path: String, targetSide: Int = targetSide) throws(ThumbnailError) -> Data {
        let mapped: Data
        do {
            mapped = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw ThumbnailError(description: "the photo cannot be opened: \(error.localizedDescription)")
        }
        return try thumbnail(ofJPEG: mapped, targetSide: targetSide)
    }

    static func thumbnail(ofJPEG jpeg: Data, targetSide: Int = targetSide, quality: Int32 = 75) throws(ThumbnailError) -> Data {
        let result: Result<Data, ThumbnailError> = jpeg.withUnsafeBytes { raw in
            guard let source = raw.bindMemory(to: UInt8.self).baseAddress, raw.count > 0 else {
                return .failure(ThumbnailError(description: "the photo is empty"))
            }
            return scaled(source, size: UInt(raw.count), targetSide: targetSide, quality: quality)
        }
        return try result.get()
    }

    private static func scaled(_ source: UnsafePointer<UInt8>, size: UInt, targetSide: Int, quality: Int32) -> Result<Data, ThumbnailError> {
        guard let decoder = tjInitDecompress() else { return .failure(ThumbnailError(description: "libturbojpeg could not start a decoder")) }
        defer { tjDestroy(decoder) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(decoder, source, size, &width, &height, &subsampling, &colorspace) == 0, width > 0, height > 0 else {
            return .failure(ThumbnailError(description: "not a JPEG libturbojpeg can read: \(message(decoder))"))
        }
        guard Int(width) * Int(height) <= maxSourcePixels else {
            return .failure(ThumbnailError(description: "the photo claims \(width)×\(height) pixels, more than \(maxSourcePixels)"))
        }
        let (scaledWidth, scaledHeight) = scale(width: Int(width), height: Int(height), targetSide: targetSide)
        let pixelFormat = Int32(TJPF_RGB.rawValue)
        var pixels = [UInt8](repeating: 0, count: scaledWidth * scaledHeight * 3)
        let decoded = pixels.withUnsafeMutableBufferPointer { buffer in
            tjDecompress2(decoder, source, size, buffer.baseAddress, Int32(scaledWidth), 0, Int32(scaledHeight), pixelFormat, TJFLAG_FASTDCT)
        }
        guard decoded == 0 else { return .failure(ThumbnailError(description: "the photo does not decode: \(message(decoder))")) }
        let orientation = JPEGOrientation.of(UnsafeBufferPointer(start: source, count: Int(size)))
        let (uprightWidth, uprightHeight) = orientation.swapsSides ? (scaledHeight, scaledWidth) : (scaledWidth, scaledHeight)
        if orientation != .upright { pixels = upright(pixels, width: scaledWidth, height: scaledHeight, orientation) }
        guard let encoder = tjInitCompress() else { return .failure(ThumbnailError(description: "libturbojpeg could not start an encoder")) }
        defer { tjDestroy(encoder) }
        var output: UnsafeMutablePointer<UInt8>? = nil
        var outputSize: UInt = 0
        let encoded = pixels.withUnsafeBufferPointer { buffer in
            tjCompress2(encoder, buffer.baseAddress, Int32(uprightWidth), 0, Int32(uprightHeight), pixelFormat, &output, &outputSize,
                        Int32(TJSAMP_420.rawValue), quality, TJFLAG_FASTDCT)
        }
        defer { if let output { tjFree(output) } }
        guard encoded == 0, let output else { return .failure(ThumbnailError(description: "the thumbnail does not encode: \(message(encoder))")) }
        return .success(Data(bytes: output, count: Int(outputSize)))
    }

    /// RGB pixels of a `width` × `height` picture, moved so it stands upright.
    static func upright(_ pixels: [UInt8], width: Int, height: Int, _ orientation: JPEGOrientation) -> [UInt8] {
        let (outWidth, outHeight) = orientation.swapsSides ? (height, width) : (width, height)
        var turned = [UInt8](repeating: 0, count: pixels.count)
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                let stored = orientation.storedPosition(x: x, y: y, width: width, height: height)
                let from = (stored.y * width + stored.x) * 3, to = (y * outWidth + x) * 3
                turned[to] = pixels[from]
                turned[to + 1] = pixels[from + 1]
                turned[to + 2] = pixels[from + 2]
            }
        }
        return turned
    }

    /// The size of the largest DCT scale (1/8 … 1) whose longest side is at most `targetSide`; the 1/8 scale when
    /// even that is larger.
    static func scale(width: Int, height: Int, targetSide: Int) -> (width: Int, height: Int) {
        var count: Int32 = 0
        let factors = tjGetScalingFactors(&count).map { Array(UnsafeBufferPointer(start: $0, count: Int(count))) } ?? []
        let scaled = factors.filter { $0.num <= $0.denom }.map { factor in
            ((width * Int(factor.num) + Int(factor.denom) - 1) / Int(factor.denom),
             (height * Int(factor.num) + Int(factor.denom) - 1) / Int(factor.denom))
        }
        let fitting = scaled.filter { max($0.0, $0.1) <= targetSide }.max { max($0.0, $0.1) < max($1.0, $1.1) }
        let smallest = scaled.min { max($0.0, $0.1) < max($1.0, $1.1) }
        return fitting ?? smallest ?? ((width + 7) / 8, (height + 7) / 8)
    }

    private static func message(_ handle: tjhandle) -> String {
        tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown error"
    }
}

/// Thumbnails already made, by the photo's SHA-256 (a photo's bytes never change under its hash): at most
/// ``capacity``, the oldest dropped first.
final class ThumbnailCache: Sendable {
    let capacity: Int
    private let state = Mutex<(thumbnails: [String: Data], order: [String])>(([:], []))

    init(capacity: Int = 1_000) {
        self.capacity = capacity
    }

    func thumbnail(_ sha256: String) -> Data? { state.withLock { $0.thumbnails[sha256] } }

    func keep(_ thumbnail: Data, for sha256: String) {
        state.withLock { state in
            guard state.thumbnails.updateValue(thumbnail, forKey: sha256) == nil else { return }
            state.order.append(sha256)
            if state.order.count > capacity {
                state.thumbnails[state.order.removeFirst()] = nil
            }
        }
    }
}

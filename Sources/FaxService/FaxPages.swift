import CTIFF
import Foundation

/// One page of a bilevel fax document, decoded: 1 bit per pixel, rows packed MSB first, a set
/// bit is black whatever the file's photometric convention.
public struct FaxPage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var xDPI: Int
    public var yDPI: Int
    /// `height` rows of `(width + 7) / 8` bytes.
    public var bits: [UInt8]

    public var bytesPerRow: Int { (width + 7) / 8 }

    /// Black pixels on the page.
    public var blackPixels: Int { bits.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Rows that differ from the same row of `other` (all rows when sizes differ).
    public func differingRows(from other: FaxPage) -> Int {
        guard width == other.width, height == other.height else { return max(height, other.height) }
        var count = 0
        for r in 0..<height {
            let range = (r * bytesPerRow)..<((r + 1) * bytesPerRow)
            if bits[range] != other.bits[range] { count += 1 }
        }
        return count
    }
}

/// Reading fax documents (TIFF, one page per directory) through libtiff.
public enum FaxPages {
    /// The number of pages in a TIFF file.
    public static func count(path: String) throws(FaxError) -> Int {
        let tiff = try open(path)
        defer { TIFFClose(tiff) }
        return Int(TIFFNumberOfDirectories(tiff))
    }

    /// Every page of a bilevel TIFF file, decoded.
    public static func read(path: String) throws(FaxError) -> [FaxPage] {
        let tiff = try open(path)
        defer { TIFFClose(tiff) }
        var pages: [FaxPage] = []
        repeat {
            pages.append(try page(tiff, number: pages.count + 1, path: path))
        } while TIFFReadDirectory(tiff) == 1
        return pages
    }

    private static func open(_ path: String) throws(FaxError) -> OpaquePointer {
        ctiff_quiet()
        guard FileManager.default.isReadableFile(atPath: path) else { throw FaxError("read", path, "no such readable file") }
        guard let tiff = TIFFOpen(path, "r") else { throw FaxError("read", path, "not a TIFF file") }
        return tiff
    }

    private static func page(_ tiff: OpaquePointer, number: Int, path: String) throws(FaxError) -> FaxPage {
        var width: UInt32 = 0, height: UInt32 = 0
        var bitsPerSample: UInt16 = 1, samplesPerPixel: UInt16 = 1, photometric: UInt16 = 0, unit: UInt16 = 2
        var xres: Float = 204, yres: Float = 196
        guard ctiff_get_u32(tiff, UInt32(TIFFTAG_IMAGEWIDTH), &width) == 1,
              ctiff_get_u32(tiff, UInt32(TIFFTAG_IMAGELENGTH), &height) == 1,
              width > 0, height > 0, width <= 20_000, height <= 60_000 else {
            throw FaxError("read page \(number) of", path, "no usable image size")
        }
        _ = ctiff_get_u16(tiff, UInt32(TIFFTAG_BITSPERSAMPLE), &bitsPerSample)
        _ = ctiff_get_u16(tiff, UInt32(TIFFTAG_SAMPLESPERPIXEL), &samplesPerPixel)
        _ = ctiff_get_u16(tiff, UInt32(TIFFTAG_PHOTOMETRIC), &photometric)
        _ = ctiff_get_u16(tiff, UInt32(TIFFTAG_RESOLUTIONUNIT), &unit)
        _ = ctiff_get_float(tiff, UInt32(TIFFTAG_XRESOLUTION), &xres)
        _ = ctiff_get_float(tiff, UInt32(TIFFTAG_YRESOLUTION), &yres)
        guard bitsPerSample == 1, samplesPerPixel == 1 else {
            throw FaxError("read page \(number) of", path, "not a bilevel image (\(bitsPerSample) bits, \(samplesPerPixel) samples per pixel)")
        }
        let scanline = Int(TIFFScanlineSize(tiff))
        let rowBytes = (Int(width) + 7) / 8
        guard scanline >= rowBytes else { throw FaxError("read page \(number) of", path, "scanlines shorter than the width") }
        var bits = [UInt8](repeating: 0, count: rowBytes * Int(height))
        var row = [UInt8](repeating: 0, count: scanline)
        let invert: UInt8 = photometric == UInt16(PHOTOMETRIC_MINISBLACK) ? 0xFF : 0
        for r in 0..<Int(height) {
            let ok = row.withUnsafeMutableBytes { TIFFReadScanline(tiff, $0.baseAddress, UInt32(r), 0) }
            guard ok == 1 else { throw FaxError("read page \(number) of", path, "row \(r) cannot be decoded") }
            for b in 0..<rowBytes { bits[r * rowBytes + b] = row[b] ^ invert }
            let spare = rowBytes * 8 - Int(width)
            if spare > 0 { bits[r * rowBytes + rowBytes - 1] &= UInt8(truncatingIfNeeded: 0xFF << spare) }
        }
        let perInch: Float = unit == UInt16(RESUNIT_CENTIMETER) ? 2.54 : 1
        return FaxPage(width: Int(width), height: Int(height), xDPI: Int((xres * perInch).rounded()),
                       yDPI: Int((yres * perInch).rounded()), bits: bits)
    }
}

import CCurl
import Foundation

/// libcurl's callbacks. Each is a non-capturing closure (so it converts to a C function pointer) that finds its
/// ``CurlTransfer`` through the unretained `userdata` pointer; they run on the transfer thread, inside
/// `curl_easy_perform`, while the transfer is alive.
extension CurlTransfer {
    /// CURLOPT_HEADERFUNCTION: one header line per call, the status line first.
    static var headerCallback: onsite_curl_data_callback {
        { buffer, size, count, userdata in
            guard let buffer, let userdata else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
            let bytes = UnsafeRawBufferPointer(start: buffer, count: size * count)
            transfer.receiveHeaderLine(String(decoding: bytes, as: UTF8.self))
            return size * count
        }
    }

    /// CURLOPT_WRITEFUNCTION: response body bytes. Returning less than given aborts with CURLE_WRITE_ERROR.
    static var writeCallback: onsite_curl_data_callback {
        { buffer, size, count, userdata in
            guard let buffer, let userdata else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
            do throws(TransportError) {
                try transfer.receiveBody(UnsafeRawBufferPointer(start: buffer, count: size * count))
                return size * count
            } catch {
                transfer.callbackError = error
                return 0
            }
        }
    }

    /// CURLOPT_READFUNCTION: fills libcurl's buffer with the next request body bytes; 0 means the end.
    static var readCallback: onsite_curl_data_callback {
        { buffer, size, count, userdata in
            guard let buffer, let userdata else { return onsite_curl_readfunc_abort }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
            guard let upload = transfer.upload else { return 0 }
            do throws(TransportError) {
                return try upload.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
            } catch {
                transfer.callbackError = error
                return onsite_curl_readfunc_abort
            }
        }
    }

    /// CURLOPT_XFERINFOFUNCTION: called often during the transfer; non-zero aborts it (cancellation).
    static var progressCallback: onsite_curl_xferinfo_callback {
        { userdata, downloadTotal, downloadNow, uploadTotal, uploadNow in
            guard let userdata else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
            if transfer.cancellation.isCancelled {
                transfer.callbackError = .cancelled(transfer.request.url)
                return 1
            }
            transfer.report(TransferProgress(
                bytesSent: Int64(uploadNow), totalBytesToSend: Int64(uploadTotal),
                bytesReceived: Int64(downloadNow), totalBytesToReceive: Int64(downloadTotal)))
            return 0
        }
    }

    // MARK: What the callbacks do

    func receiveHeaderLine(_ rawLine: String) {
        let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            // A new response (after 1xx): start over.
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            responseHeaders = [:]
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if let existing = responseHeaders[name] {
                responseHeaders[name] = existing + ", " + value
            } else {
                responseHeaders[name] = value
            }
        }
    }

    func receiveBody(_ bytes: UnsafeRawBufferPointer) throws(TransportError) {
        if let path = request.downloadPath, (200..<300).contains(status) {
            if download == nil { download = try DownloadSink(path: path) }
            try download?.write(bytes)
            return
        }
        guard responseBody.count + bytes.count <= configuration.maxInMemoryResponseBytes else {
            throw .responseTooLarge(request.url, limit: configuration.maxInMemoryResponseBytes)
        }
        responseBody.append(contentsOf: bytes)
    }

    func report(_ value: TransferProgress) {
        guard let progress, value != lastProgress else { return }
        lastProgress = value
        progress(value)
    }
}

import OnSiteClient
import Testing

/// The upload resumer, one event at a time (no I/O): the relay's offset is always where the next chunk starts.
@Suite("Upload state machine")
struct UploadStateMachineTests {
    @Test("A fresh upload sends chunk after chunk, the last one shorter, and finishes with the bytes it sent")
    func freshUpload() {
        var upload = UploadStateMachine(byteCount: 2_500, chunkSize: 1_000)
        #expect(upload.start() == .create)
        #expect(upload.created(offset: 0, complete: false) == .sendChunk(offset: 0, length: 1_000))
        #expect(upload.chunkAccepted(offset: 1_000, complete: false) == .sendChunk(offset: 1_000, length: 1_000))
        #expect(upload.chunkAccepted(offset: 2_000, complete: false) == .sendChunk(offset: 2_000, length: 500))
        #expect(upload.chunkAccepted(offset: 2_500, complete: true) == .finished(sentBytes: 2_500))
        #expect(upload.resumedFrom == 0)
    }

    @Test("A blob the relay already has needs no byte")
    func dedupe() {
        var upload = UploadStateMachine(byteCount: 2_500, chunkSize: 1_000)
        _ = upload.start()
        #expect(upload.created(offset: 2_500, complete: true) == .finished(sentBytes: 0))
    }

    @Test("After a dropped link the next run resumes from the relay's offset, not from zero")
    func resume() {
        var upload = UploadStateMachine(byteCount: 5_000, chunkSize: 1_000)
        _ = upload.start()
        #expect(upload.created(offset: 3_000, complete: false) == .sendChunk(offset: 3_000, length: 1_000))
        #expect(upload.resumedFrom == 3_000)
        #expect(upload.chunkAccepted(offset: 4_000, complete: false) == .sendChunk(offset: 4_000, length: 1_000))
        #expect(upload.chunkAccepted(offset: 5_000, complete: true) == .finished(sentBytes: 2_000))
    }

    @Test("A 409 moves to the relay's offset; a 460 resends the same chunk, then gives up")
    func refusals() {
        var upload = UploadStateMachine(byteCount: 5_000, chunkSize: 1_000)
        _ = upload.start()
        _ = upload.created(offset: 0, complete: false)
        #expect(upload.offsetMismatch(relayOffset: 2_000) == .sendChunk(offset: 2_000, length: 1_000))
        #expect(upload.checksumMismatch() == .sendChunk(offset: 2_000, length: 1_000))
        #expect(upload.checksumMismatch() == .sendChunk(offset: 2_000, length: 1_000))
        guard case .stop = upload.checksumMismatch() else {
            Issue.record("a third checksum failure stops")
            return
        }
    }

    @Test("The relay's chunk limit caps the chunk size; an offset past the end stops")
    func limitsAndNonsense() {
        var upload = UploadStateMachine(byteCount: 5_000, chunkSize: 4_000)
        _ = upload.start()
        #expect(upload.created(offset: 0, complete: false, maxChunkBytes: 1_500) == .sendChunk(offset: 0, length: 1_500))
        guard case .stop = upload.chunkAccepted(offset: 9_000, complete: false) else {
            Issue.record("an offset past the end stops")
            return
        }
        var early = UploadStateMachine(byteCount: 10, chunkSize: 4)
        guard case .stop = early.chunkAccepted(offset: 4, complete: false) else {
            Issue.record("an event before start stops")
            return
        }
    }
}

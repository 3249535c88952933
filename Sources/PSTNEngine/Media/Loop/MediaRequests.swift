/// What a play command carries into the loop: the prompts of one sequence and how to play them.
/// Built off the hot path; the loop holds it unretained and hands it back for release when done.
public final class PlayRequest: @unchecked Sendable {
    public let id: Int32
    public let prompts: [Prompt]
    public let loop: Bool
    public let stopOnDTMF: Bool

    public init(id: Int32, prompts: [Prompt], loop: Bool = false, stopOnDTMF: Bool = false) {
        self.id = id
        self.prompts = prompts
        self.loop = loop
        self.stopOnDTMF = stopOnDTMF
    }
}

/// What a tone command carries into the loop: a generator built from a zone's tone, with an id.
public final class ToneRequest: @unchecked Sendable {
    public let id: Int32
    let generator: ToneGenerator

    public init(id: Int32, tone: ToneSpecification, levelDBm0: Double = -13) {
        self.id = id
        generator = ToneGenerator(tone, levelDBm0: levelDBm0)
    }
}

/// An object handed to the loop without retain traffic on the hot path. The sender passes it
/// retained; the loop returns it through the retire queue and the owner side releases it.
public struct LoopReference<Object: AnyObject>: BitwiseCopyable, @unchecked Sendable {
    let unmanaged: Unmanaged<Object>

    public init(retaining object: Object) { unmanaged = .passRetained(object) }

    var object: Object { unmanaged.takeUnretainedValue() }
    var retired: Unmanaged<AnyObject> { Unmanaged<AnyObject>.fromOpaque(unmanaged.toOpaque()) }

    /// Use the object without retaining it (this reference keeps it alive): no atomic reference
    /// counting on the loop's path.
    @inline(__always)
    func borrow<Result>(_ body: (Object) -> Result) -> Result { unmanaged._withUnsafeGuaranteedRef(body) }
}

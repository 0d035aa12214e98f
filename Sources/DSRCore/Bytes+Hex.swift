extension Sequence<UInt8> {
    /// Lowercase hexadecimal, two digits a byte: how digests and keys are written everywhere (audit, SigV4, keys).
    package var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

import Hummingbird
import NIOCore

extension Response {
    /// A 200 with a JSON body, labelled as Hummingbird labels the JSON it encodes.
    static func json(_ bytes: [UInt8]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// Identity types mParticle's DSR v3 accepts (docs/upstream-apis.md, "Submitting a request" and
/// "Discovery and the processor certificate").
enum IdentityCatalog {
    /// The 11 `subject_identities` types, spelled as `/discovery` lists them.
    static let discoverable: [String] = [
        "controller_customer_id", "email", "android_advertising_id", "android_id", "fire_advertising_id",
        "ios_advertising_id", "ios_vendor_id", "microsoft_advertising_id", "microsoft_publisher_id",
        "roku_advertising_id", "roku_publisher_id",
    ]

    /// Top-level types accepted on submit: the discovery list plus the docs' table spelling `roku_publishing_id`.
    static let topLevel: Set<String> = Set(discoverable).union(["roku_publishing_id"])

    /// Types accepted in `extensions["opendsr.mparticle.com"].subject_identities`.
    static let extensionOnly: Set<String> = Set(
        ["mpid", "other", "mobile_number", "phone_number_2", "phone_number_3"] + (2...10).map { "other\($0)" }
    )

    /// The only accepted `encoding`.
    static let rawEncoding = "raw"

    /// Most identities one request may carry.
    static let maximumCount = 50

    /// The mParticle identity name of an OpenDSR identity type (used in the results archive).
    static func mParticleName(of type: String) -> String {
        switch type {
        case "controller_customer_id": "customer_id"
        case "android_id": "android_uuid"
        case "ios_vendor_id": "ios_idfv"
        default: type
        }
    }
}

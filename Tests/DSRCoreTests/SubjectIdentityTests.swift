import DSRCore
import Testing

@Suite("SubjectIdentity")
struct SubjectIdentityTests {
    private let subject = SubjectIdentity(customerId: "cust-8a7f3e21", email: "jane.doe@example.com")

    @Test func everyTextualFormIsRedacted() {
        let forms = [
            subject.description, "\(subject)", String(describing: subject), String(reflecting: subject),
            "\([subject])", "\(Optional(subject) as Any)",
        ]
        for form in forms {
            #expect(!form.contains("cust-8a7f3e21"), "\(form)")
            #expect(!form.contains("8a7f3e21"), "\(form)")
            #expect(!form.contains("jane"), "\(form)")
            #expect(!form.contains("example.com"), "\(form)")
        }
        #expect(subject.description == "subject(\(subject.fingerprint))")
    }

    @Test func theFingerprintIsShortStableAndDistinct() {
        #expect(subject.fingerprint.count == 12)
        #expect(subject.fingerprint.allSatisfy { $0.isHexDigit })
        #expect(SubjectIdentity(customerId: "cust-8a7f3e21").fingerprint == subject.fingerprint)
        #expect(SubjectIdentity(customerId: "cust-8a7f3e22").fingerprint != subject.fingerprint)
    }
}

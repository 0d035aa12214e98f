import ArgumentParser
import Persistence

/// `dsr-gateway keys rotate`: after a new subject key became `store.encryption_key` (the old one in
/// `store.previous_encryption_keys`) on every instance, seals every stored subject afresh with it (docs/compliance.md).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Rotate the key that seals subject ids and emails.", subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal every stored subject with store.encryption_key and retire the previous keys.",
            discussion: """
                Run it once every instance seals with the new key (it is store.encryption_key, the old one in \
                store.previous_encryption_keys). Safe to run again, and while the gateway runs. Exits 1 when rows \
                sealed with another key remain (an instance still has the old key current); then no key is retired.
                """)

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let rotation = try await store.withStore { try await $0.resealSubjects() }
            print("sealed \(rotation.resealed) request\(rotation.resealed == 1 ? "" : "s") afresh with the current key")
            guard rotation.remaining == 0 else {
                print(
                    "\(rotation.remaining) still sealed with another key (written meanwhile by an instance whose current "
                        + "key is not this one): no key retired; give every instance the new key and run this again")
                throw ExitCode.failure
            }
            if rotation.retired.isEmpty {
                print("no other key is in use: nothing to retire")
            } else {
                print(
                    "retired key ids \(rotation.retired.joined(separator: ", ")): the database no longer needs them; "
                        + "keep them in store.previous_encryption_keys while results archives or backups made before now "
                        + "are kept (results.retention_days)")
            }
        }
    }
}

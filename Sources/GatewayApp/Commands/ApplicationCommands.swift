import ArgumentParser

/// The commands that run or inspect the gateway itself, for the root command to list.
package enum ApplicationCommands {
    package static let all: [any ParsableCommand.Type] = [
        ServeCommand.self, SimulateProcessorCommand.self, CertCommand.self, CallbackCommand.self,
        RequestsCommand.self, HealthCommand.self, CheckConfigCommand.self, AlertsCommand.self, BackupCommand.self,
        RestoreCommand.self, AuditCommand.self, EvidenceCommand.self, KeysCommand.self,
        ResultsCommand.self,
    ]
}

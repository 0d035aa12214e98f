/// The SQLite schema's steps (see ``Migration``).
enum SQLiteMigration {
    /// Every migration, in version order.
    /// The migration from which subjects are sealed (``SubjectKeys``).
    static let subjectSealing = 18

    static let all: [Migration] = [
        Migration(
            version: 1,
            name: "requests and audit trail",
            statements: [
                // Instants are REAL seconds since 2001-01-01Z, exactly as in a Date (see SQLiteData.date).
                // To read one: datetime(received_at + 978307200, 'unixepoch', 'subsec').
                """
                CREATE TABLE requests (
                    id TEXT PRIMARY KEY NOT NULL,
                    regulation TEXT NOT NULL,
                    type TEXT NOT NULL,
                    source TEXT NOT NULL,
                    state TEXT NOT NULL,
                    subject_customer_id TEXT NOT NULL,
                    subject_email TEXT,
                    received_at REAL NOT NULL,
                    deadline REAL NOT NULL,
                    processor_controller_id TEXT,
                    processor_expected_completion REAL,
                    processor_results_url TEXT,
                    processor_received_time REAL,
                    result_location TEXT,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    next_attempt_at REAL,
                    idempotency_key TEXT UNIQUE,
                    updated_at REAL NOT NULL
                ) STRICT
                """,
                "CREATE INDEX requests_claim ON requests (state, next_attempt_at)",
                "CREATE INDEX requests_stale ON requests (state, updated_at)",
                "CREATE INDEX requests_received ON requests (received_at)",
                """
                CREATE TABLE audit_entries (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    request_id TEXT NOT NULL REFERENCES requests (id),
                    at REAL NOT NULL,
                    actor TEXT NOT NULL,
                    event TEXT NOT NULL,
                    from_state TEXT,
                    to_state TEXT,
                    detail TEXT
                ) STRICT
                """,
                "CREATE INDEX audit_entries_request ON audit_entries (request_id, id)",
                // The trail is the evidence a regulator asks for: the database itself refuses to rewrite it.
                """
                CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
                BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END
                """,
                """
                CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
                BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END
                """,
            ]
        ),
        Migration(
            version: 2,
            name: "results download",
            statements: [
                "ALTER TABLE requests ADD COLUMN results_status TEXT",
                "ALTER TABLE requests ADD COLUMN result_attempts INTEGER NOT NULL DEFAULT 0",
                """
                CREATE INDEX requests_awaiting_results ON requests (next_attempt_at)
                WHERE state = 'completed' AND processor_results_url IS NOT NULL AND results_status IS NULL
                """,
            ]
        ),
        Migration(
            version: 3,
            name: "baton lookups, results retention, erasure attributes",
            statements: [
                "ALTER TABLE requests ADD COLUMN result_stored_at REAL",
                "ALTER TABLE requests ADD COLUMN attributes_status TEXT",
                "ALTER TABLE requests ADD COLUMN attributes_attempts INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE requests ADD COLUMN attributes_next_attempt_at REAL",
                "CREATE INDEX requests_subject ON requests (subject_customer_id, type, state)",
                """
                CREATE INDEX requests_results_retention ON requests (result_stored_at)
                WHERE results_status = 'stored'
                """,
                """
                CREATE INDEX requests_attributes_due ON requests (attributes_next_attempt_at)
                WHERE attributes_status = 'pending'
                """,
            ]
        ),
        Migration(
            version: 4,
            name: "deadlines at risk",
            statements: ["CREATE INDEX requests_at_risk ON requests (deadline, state)"]
        ),
        Migration(
            version: 5,
            name: "health probe, queue summary",
            statements: [
                "CREATE TABLE health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), checked_at REAL NOT NULL)",
                "CREATE INDEX requests_state_received ON requests (state, received_at)",
            ]
        ),
        Migration(
            version: 6,
            name: "alert states",
            statements: [
                """
                CREATE TABLE alert_states (
                    rule TEXT PRIMARY KEY,
                    phase TEXT NOT NULL,
                    since REAL NOT NULL,
                    value REAL
                )
                """
            ]
        ),
        Migration(
            version: 7,
            name: "alert notifications, evaluator lease",
            statements: [
                "ALTER TABLE alert_states ADD COLUMN notified_at REAL",
                """
                CREATE TABLE alert_notifications (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    route TEXT NOT NULL,
                    dedup_key TEXT NOT NULL,
                    content TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL,
                    next_attempt_at REAL NOT NULL,
                    finished_at REAL,
                    last_error TEXT
                )
                """,
                """
                CREATE INDEX alert_notifications_pending ON alert_notifications (route, dedup_key, id)
                WHERE status = 'pending'
                """,
                """
                CREATE TABLE alert_lease (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    holder TEXT NOT NULL,
                    expires_at REAL NOT NULL
                )
                """,
            ]
        ),
        Migration(
            version: 8,
            name: "workspace budget",
            statements: [
                "CREATE TABLE workspace_budget (id INTEGER PRIMARY KEY CHECK (id = 1), budget TEXT)",
                "INSERT INTO workspace_budget (id) VALUES (1)",
            ],
            oldestCompatible: 7
        ),
        Migration(
            version: 9,
            name: "health probes of their own",
            statements: ["CREATE TABLE health_probes (token TEXT PRIMARY KEY, checked_at REAL NOT NULL)"],
            oldestCompatible: 7
        ),
        Migration(
            version: 10,
            name: "refused callbacks",
            statements: [
                // AUTOINCREMENT: no id is used twice, also once the oldest rows are deleted (exports are named by it).
                // An empty body may be bound as NULL: either reads back empty.
                """
                CREATE TABLE refused_callbacks (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    reason TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    claimed_id TEXT NOT NULL,
                    domain TEXT,
                    signature TEXT,
                    body BLOB,
                    remote_address TEXT
                ) STRICT
                """
            ],
            oldestCompatible: 7
        ),
        Migration(
            version: 11,
            name: "a request that follows another at the processor",
            statements: ["ALTER TABLE requests ADD COLUMN processor_follows TEXT"],
            oldestCompatible: 7
        ),
        Migration(
            version: 12,
            name: "who did what: the API key behind each request and audit entry",
            statements: [
                "ALTER TABLE requests ADD COLUMN principal TEXT",
                "ALTER TABLE audit_entries ADD COLUMN principal TEXT",
            ],
            oldestCompatible: 7
        ),
        Migration(
            version: 13,
            name: "requests a person resolved",
            statements: [
                "ALTER TABLE requests ADD COLUMN resolution_outcome TEXT",
                "ALTER TABLE requests ADD COLUMN resolution_reason TEXT",
                "ALTER TABLE requests ADD COLUMN resolved_at REAL",
                "ALTER TABLE requests ADD COLUMN resolved_by TEXT",
            ],
            oldestCompatible: 7
        ),
        Migration(
            version: 14,
            name: "deadlines a person extended",
            statements: [
                "ALTER TABLE requests ADD COLUMN extension_reason TEXT",
                "ALTER TABLE requests ADD COLUMN extended_at REAL",
                "ALTER TABLE requests ADD COLUMN extended_by TEXT",
                "ALTER TABLE requests ADD COLUMN deadline_before_extension REAL",
            ],
            oldestCompatible: 7
        ),
        Migration(
            version: 15,
            name: "idempotency keys belong to the API key that sent them; each key lists its own requests",
            statements: [
                // Keys stored before were global; a retry after the upgrade must still find its request.
                """
                UPDATE requests SET idempotency_key = principal || ':' || idempotency_key
                WHERE idempotency_key IS NOT NULL AND principal IS NOT NULL
                """,
                "CREATE INDEX requests_principal ON requests (principal, received_at DESC, id DESC)",
            ],
            oldestCompatible: 7
        ),
        Migration(
            version: 16,
            name: "the audit trail as one append-only Merkle tree, with signed checkpoints",
            statements: [
                "ALTER TABLE audit_entries ADD COLUMN leaf_index INTEGER",
                "ALTER TABLE audit_entries ADD COLUMN leaf_hash BLOB",
                // Entries written so far become the tree's first leaves, in the order they were written.
                "DROP TRIGGER audit_entries_no_update",
                """
                UPDATE audit_entries SET leaf_index = numbered.position
                FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS position FROM audit_entries) AS numbered
                WHERE audit_entries.id = numbered.id
                """,
                """
                CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
                BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END
                """,
                "CREATE UNIQUE INDEX audit_entries_leaf ON audit_entries (leaf_index)",
                // The tree's size: each insert takes the next position in its own transaction (the writer is single).
                // Entries from `hashed_from` on were written with their leaf hash.
                """
                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL, hashed_from INTEGER NOT NULL
                ) STRICT
                """,
                "INSERT INTO audit_log (id, size, hashed_from) SELECT 1, COUNT(*), COUNT(*) FROM audit_entries",
                """
                CREATE TRIGGER audit_log_append AFTER INSERT ON audit_entries
                BEGIN UPDATE audit_log SET size = size + 1 WHERE id = 1; END
                """,
                """
                CREATE TABLE audit_checkpoints (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    size INTEGER NOT NULL,
                    root BLOB NOT NULL,
                    frontier BLOB NOT NULL,
                    note TEXT NOT NULL UNIQUE,
                    signed_at REAL NOT NULL
                ) STRICT
                """,
                "CREATE INDEX audit_checkpoints_size ON audit_checkpoints (size, id)",
                """
                CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
                BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END
                """,
                """
                CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
                BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END
                """,
            ],
            // A release before this one would append entries without a position: it may not run on this schema.
            oldestCompatible: 16
        ),
        Migration(
            version: 17,
            name: "the queue's age counts from when a request was queued, not from when it was received",
            statements: [
                "ALTER TABLE requests ADD COLUMN queued_at REAL",
                // Until now every request was queued when it was received.
                "UPDATE requests SET queued_at = received_at",
                "CREATE INDEX requests_queued ON requests (queued_at) WHERE state = 'queued'",
            ],
            oldestCompatible: 16
        ),
        Migration(
            version: 18,
            name: "subject ids and emails sealed at rest, found by a keyed hash",
            statements: [
                "ALTER TABLE requests ADD COLUMN subject_lookup TEXT",
                "CREATE INDEX requests_subject_lookup ON requests (subject_lookup, type)",
                "CREATE TABLE subject_keys (id TEXT PRIMARY KEY, added_at REAL NOT NULL) STRICT",
            ],
            // A release before this one would read sealed values as subject ids (and send them to mParticle).
            oldestCompatible: 18
        ),
        Migration(
            version: 19,
            name: "subjects erased after the retention period",
            statements: [
                "ALTER TABLE requests ADD COLUMN subject_erased_at REAL",
                """
                CREATE INDEX requests_subject_retained ON requests (updated_at)
                WHERE subject_erased_at IS NULL AND state IN ('completed', 'cancelled', 'failed')
                """,
            ],
            oldestCompatible: 18
        ),
        Migration(
            version: 20,
            name: "callbacks kept as evidence with the change they caused; audit entries carry their digest",
            statements: [
                "ALTER TABLE audit_entries ADD COLUMN evidence TEXT",
                """
                CREATE TABLE processor_exchanges (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    request_id TEXT NOT NULL REFERENCES requests (id),
                    kind TEXT NOT NULL,
                    at REAL NOT NULL,
                    received BLOB NOT NULL,
                    signature TEXT,
                    domain TEXT,
                    chain TEXT,
                    digest TEXT NOT NULL
                ) STRICT
                """,
                "CREATE INDEX processor_exchanges_request ON processor_exchanges (request_id, id)",
                """
                CREATE TRIGGER processor_exchanges_no_update BEFORE UPDATE ON processor_exchanges
                BEGIN SELECT RAISE(ABORT, 'processor_exchanges is append-only'); END
                """,
                """
                CREATE TRIGGER processor_exchanges_no_delete BEFORE DELETE ON processor_exchanges
                BEGIN SELECT RAISE(ABORT, 'processor_exchanges is append-only'); END
                """,
            ],
            // A release before this one keeps no exchanges and writes entries without a digest: less evidence for
            // the requests it touches, nothing wrong.
            oldestCompatible: 18
        ),
        Migration(
            version: 21,
            name: "the index on subject ids goes: they are sealed, so it was rewritten by every update and never read",
            statements: ["DROP INDEX IF EXISTS requests_subject"],
            oldestCompatible: 18
        ),
        Migration(
            version: 22,
            name: "the gateway's calls are kept too: the bodies sent and answered (sealed, erased with the subject)",
            statements: [
                "ALTER TABLE processor_exchanges ADD COLUMN sent TEXT",
                "ALTER TABLE processor_exchanges ADD COLUMN sent_sha256 TEXT",
                "ALTER TABLE processor_exchanges ADD COLUMN answer TEXT",
                "ALTER TABLE processor_exchanges ADD COLUMN answer_sha256 TEXT",
                "ALTER TABLE processor_exchanges ADD COLUMN status INTEGER",
                // A call's bodies may be resealed under a new key and erased; nothing else changes. Their SHA-256s
                // are in the record the audit log vouches for, so a changed body shows.
                "DROP TRIGGER processor_exchanges_no_update",
                """
                CREATE TRIGGER processor_exchanges_no_update
                BEFORE UPDATE OF id, request_id, kind, at, received, signature, domain, chain, digest, sent_sha256,
                    answer_sha256, status
                ON processor_exchanges
                BEGIN SELECT RAISE(ABORT, 'processor_exchanges is append-only'); END
                """,
                // Whatever release erases a subject, the bodies that name it go in the same transaction.
                """
                CREATE TRIGGER requests_subject_erased AFTER UPDATE OF subject_erased_at ON requests
                WHEN NEW.subject_erased_at IS NOT NULL AND OLD.subject_erased_at IS NULL
                BEGIN
                    UPDATE processor_exchanges SET sent = NULL, answer = NULL
                    WHERE request_id = NEW.id AND (sent IS NOT NULL OR answer IS NOT NULL);
                END
                """,
            ],
            // A release before this one keeps callbacks only: less evidence for the requests it touches.
            oldestCompatible: 18
        ),
    ]
}

/// The PostgreSQL schema's steps (see ``Migration``). The first step is the SQLite schema as of its version 7, in
/// PostgreSQL's types: instants are `DOUBLE PRECISION` seconds since 2001 (the `Double` inside a `Date`), ids text in
/// the C collation so their order is the same bytewise order as SQLite's.
enum PostgresMigration {
    /// Every migration, in version order.
    /// The migration from which subjects are sealed (``SubjectKeys``).
    static let subjectSealing = 11

    static let all: [Migration] = [
        Migration(
            version: 1,
            name: "requests, audit trail, health probe, alert states, notification outbox, evaluator lease",
            statements: [
                """
                CREATE TABLE requests (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    regulation TEXT NOT NULL,
                    type TEXT NOT NULL,
                    source TEXT NOT NULL,
                    state TEXT NOT NULL,
                    subject_customer_id TEXT NOT NULL,
                    subject_email TEXT,
                    received_at DOUBLE PRECISION NOT NULL,
                    deadline DOUBLE PRECISION NOT NULL,
                    processor_controller_id TEXT,
                    processor_expected_completion DOUBLE PRECISION,
                    processor_results_url TEXT,
                    processor_received_time DOUBLE PRECISION,
                    result_location TEXT,
                    attempts BIGINT NOT NULL DEFAULT 0,
                    last_error TEXT,
                    next_attempt_at DOUBLE PRECISION,
                    idempotency_key TEXT UNIQUE,
                    updated_at DOUBLE PRECISION NOT NULL,
                    results_status TEXT,
                    result_attempts BIGINT NOT NULL DEFAULT 0,
                    result_stored_at DOUBLE PRECISION,
                    attributes_status TEXT,
                    attributes_attempts BIGINT NOT NULL DEFAULT 0,
                    attributes_next_attempt_at DOUBLE PRECISION
                )
                """,
                "CREATE INDEX requests_claim ON requests (state, next_attempt_at)",
                "CREATE INDEX requests_stale ON requests (state, updated_at)",
                "CREATE INDEX requests_received ON requests (received_at)",
                """
                CREATE INDEX requests_awaiting_results ON requests (next_attempt_at)
                WHERE state = 'completed' AND processor_results_url IS NOT NULL AND results_status IS NULL
                """,
                "CREATE INDEX requests_subject ON requests (subject_customer_id, type, state)",
                """
                CREATE INDEX requests_results_retention ON requests (result_stored_at)
                WHERE results_status = 'stored'
                """,
                """
                CREATE INDEX requests_attributes_due ON requests (attributes_next_attempt_at)
                WHERE attributes_status = 'pending'
                """,
                "CREATE INDEX requests_at_risk ON requests (deadline, state)",
                "CREATE INDEX requests_state_received ON requests (state, received_at)",
                """
                CREATE TABLE audit_entries (
                    id BIGSERIAL PRIMARY KEY,
                    request_id TEXT COLLATE "C" NOT NULL REFERENCES requests (id),
                    at DOUBLE PRECISION NOT NULL,
                    actor TEXT NOT NULL,
                    event TEXT NOT NULL,
                    from_state TEXT,
                    to_state TEXT,
                    detail TEXT
                )
                """,
                "CREATE INDEX audit_entries_request ON audit_entries (request_id, id)",
                // The trail is the evidence a regulator asks for: the database itself refuses to rewrite it.
                """
                CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'audit_entries is append-only'; END $$
                """,
                """
                CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
                FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()
                """,
                "CREATE TABLE health_probe (id TEXT PRIMARY KEY, checked_at DOUBLE PRECISION NOT NULL)",
                """
                CREATE TABLE alert_states (
                    rule TEXT PRIMARY KEY,
                    phase TEXT NOT NULL,
                    since DOUBLE PRECISION NOT NULL,
                    value DOUBLE PRECISION,
                    notified_at DOUBLE PRECISION
                )
                """,
                """
                CREATE TABLE alert_notifications (
                    id BIGSERIAL PRIMARY KEY,
                    route TEXT NOT NULL,
                    dedup_key TEXT NOT NULL,
                    content TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
                    attempts BIGINT NOT NULL DEFAULT 0,
                    created_at DOUBLE PRECISION NOT NULL,
                    next_attempt_at DOUBLE PRECISION NOT NULL,
                    finished_at DOUBLE PRECISION,
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
                    expires_at DOUBLE PRECISION NOT NULL
                )
                """,
            ]
        ),
        Migration(
            version: 2,
            name: "workspace budget",
            statements: [
                "CREATE TABLE workspace_budget (id INTEGER PRIMARY KEY CHECK (id = 1), budget TEXT)",
                "INSERT INTO workspace_budget (id) VALUES (1)",
            ],
            oldestCompatible: 1
        ),
        Migration(
            version: 3,
            name: "refused callbacks",
            statements: [
                """
                CREATE TABLE refused_callbacks (
                    id BIGSERIAL PRIMARY KEY,
                    at DOUBLE PRECISION NOT NULL,
                    reason TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    claimed_id TEXT NOT NULL,
                    domain TEXT,
                    signature TEXT,
                    body BYTEA,
                    remote_address TEXT
                )
                """
            ],
            oldestCompatible: 1
        ),
        Migration(
            version: 4,
            name: "a request that follows another at the processor",
            statements: ["ALTER TABLE requests ADD COLUMN processor_follows TEXT"],
            oldestCompatible: 1
        ),
        Migration(
            version: 5,
            name: "who did what: the API key behind each request and audit entry",
            statements: [
                "ALTER TABLE requests ADD COLUMN principal TEXT",
                "ALTER TABLE audit_entries ADD COLUMN principal TEXT",
            ],
            oldestCompatible: 1
        ),
        Migration(
            version: 6,
            name: "requests a person resolved",
            statements: [
                "ALTER TABLE requests ADD COLUMN resolution_outcome TEXT",
                "ALTER TABLE requests ADD COLUMN resolution_reason TEXT",
                "ALTER TABLE requests ADD COLUMN resolved_at DOUBLE PRECISION",
                "ALTER TABLE requests ADD COLUMN resolved_by TEXT",
            ],
            oldestCompatible: 1
        ),
        Migration(
            version: 7,
            name: "deadlines a person extended",
            statements: [
                "ALTER TABLE requests ADD COLUMN extension_reason TEXT",
                "ALTER TABLE requests ADD COLUMN extended_at DOUBLE PRECISION",
                "ALTER TABLE requests ADD COLUMN extended_by TEXT",
                "ALTER TABLE requests ADD COLUMN deadline_before_extension DOUBLE PRECISION",
            ],
            oldestCompatible: 1
        ),
        Migration(
            version: 8,
            name: "idempotency keys belong to the API key that sent them; each key lists its own requests",
            statements: [
                // Keys stored before were global; a retry after the upgrade must still find its request.
                """
                UPDATE requests SET idempotency_key = principal || ':' || idempotency_key
                WHERE idempotency_key IS NOT NULL AND principal IS NOT NULL
                """,
                "CREATE INDEX requests_principal ON requests (principal, received_at DESC, id DESC)",
            ],
            oldestCompatible: 1
        ),
        Migration(
            version: 9,
            name: "the audit trail as one append-only Merkle tree, with signed checkpoints",
            statements: [
                "ALTER TABLE audit_entries ADD COLUMN leaf_index BIGINT",
                "ALTER TABLE audit_entries ADD COLUMN leaf_hash BYTEA",
                // Entries written so far become the tree's first leaves, in the order they were written.
                "ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_change",
                """
                UPDATE audit_entries SET leaf_index = numbered.position
                FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS position FROM audit_entries) AS numbered
                WHERE audit_entries.id = numbered.id
                """,
                "ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_no_change",
                "CREATE UNIQUE INDEX audit_entries_leaf ON audit_entries (leaf_index)",
                // The tree's size. Every insert takes the next position by updating this row in its own transaction:
                // the row lock orders positions as commits, so a size read by anyone covers committed entries only.
                // Entries from `hashed_from` on were written with their leaf hash.
                """
                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL, hashed_from BIGINT NOT NULL
                )
                """,
                "INSERT INTO audit_log (id, size, hashed_from) SELECT 1, COUNT(*), COUNT(*) FROM audit_entries",
                """
                CREATE TABLE audit_checkpoints (
                    id BIGSERIAL PRIMARY KEY,
                    size BIGINT NOT NULL,
                    root BYTEA NOT NULL,
                    frontier BYTEA NOT NULL,
                    note TEXT NOT NULL UNIQUE,
                    signed_at DOUBLE PRECISION NOT NULL
                )
                """,
                "CREATE INDEX audit_checkpoints_size ON audit_checkpoints (size, id)",
                """
                CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'audit_checkpoints is append-only'; END $$
                """,
                """
                CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE OR DELETE ON audit_checkpoints
                FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only()
                """,
            ],
            // A release before this one would append entries without a position: it may not run on this schema.
            oldestCompatible: 9
        ),
        Migration(
            version: 10,
            name: "the queue's age counts from when a request was queued, not from when it was received",
            statements: [
                "ALTER TABLE requests ADD COLUMN queued_at DOUBLE PRECISION",
                // Until now every request was queued when it was received.
                "UPDATE requests SET queued_at = received_at",
                "CREATE INDEX requests_queued ON requests (queued_at) WHERE state = 'queued'",
            ],
            oldestCompatible: 9
        ),
        Migration(
            version: 11,
            name: "subject ids and emails sealed at rest, found by a keyed hash",
            statements: [
                "ALTER TABLE requests ADD COLUMN subject_lookup TEXT",
                "CREATE INDEX requests_subject_lookup ON requests (subject_lookup, type)",
                "CREATE TABLE subject_keys (id TEXT PRIMARY KEY, added_at DOUBLE PRECISION NOT NULL)",
            ],
            // A release before this one would read sealed values as subject ids (and send them to mParticle).
            oldestCompatible: 11
        ),
        Migration(
            version: 12,
            name: "subjects erased after the retention period",
            statements: [
                "ALTER TABLE requests ADD COLUMN subject_erased_at DOUBLE PRECISION",
                """
                CREATE INDEX requests_subject_retained ON requests (updated_at)
                WHERE subject_erased_at IS NULL AND state IN ('completed', 'cancelled', 'failed')
                """,
            ],
            oldestCompatible: 11
        ),
        Migration(
            version: 13,
            name: "callbacks kept as evidence with the change they caused; audit entries carry their digest",
            statements: [
                "ALTER TABLE audit_entries ADD COLUMN evidence TEXT",
                """
                CREATE TABLE processor_exchanges (
                    id BIGSERIAL PRIMARY KEY,
                    request_id TEXT COLLATE "C" NOT NULL REFERENCES requests (id),
                    kind TEXT NOT NULL,
                    at DOUBLE PRECISION NOT NULL,
                    received BYTEA NOT NULL,
                    signature TEXT,
                    domain TEXT,
                    chain TEXT,
                    digest TEXT NOT NULL
                )
                """,
                "CREATE INDEX processor_exchanges_request ON processor_exchanges (request_id, id)",
                """
                CREATE FUNCTION processor_exchanges_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'processor_exchanges is append-only'; END $$
                """,
                """
                CREATE TRIGGER processor_exchanges_no_change BEFORE UPDATE OR DELETE ON processor_exchanges
                FOR EACH ROW EXECUTE FUNCTION processor_exchanges_append_only()
                """,
            ],
            // A release before this one keeps no exchanges and writes entries without a digest: less evidence for
            // the requests it touches, nothing wrong.
            oldestCompatible: 11
        ),
        Migration(
            version: 14,
            name: "the index on subject ids goes: they are sealed, so it was rewritten by every update and never read",
            statements: ["DROP INDEX IF EXISTS requests_subject"],
            oldestCompatible: 11
        ),
        Migration(
            version: 15,
            name: "the gateway's calls are kept too: the bodies sent and answered (sealed, erased with the subject)",
            statements: [
                "ALTER TABLE processor_exchanges ADD COLUMN sent TEXT",
                "ALTER TABLE processor_exchanges ADD COLUMN sent_sha256 TEXT",
                "ALTER TABLE processor_exchanges ADD COLUMN answer TEXT",
                "ALTER TABLE processor_exchanges ADD COLUMN answer_sha256 TEXT",
                "ALTER TABLE processor_exchanges ADD COLUMN status INTEGER",
                // A call's bodies may be resealed under a new key and erased; nothing else changes. Their SHA-256s
                // are in the record the audit log vouches for, so a changed body shows.
                """
                CREATE OR REPLACE FUNCTION processor_exchanges_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'UPDATE' AND to_jsonb(NEW) - 'sent' - 'answer' = to_jsonb(OLD) - 'sent' - 'answer'
                    THEN RETURN NEW; END IF;
                    RAISE EXCEPTION 'processor_exchanges is append-only';
                END $$
                """,
                // Whatever release erases a subject, the bodies that name it go in the same transaction.
                """
                CREATE FUNCTION requests_subject_erased() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE processor_exchanges SET sent = NULL, answer = NULL
                    WHERE request_id = NEW.id AND (sent IS NOT NULL OR answer IS NOT NULL);
                    RETURN NULL;
                END $$
                """,
                """
                CREATE TRIGGER requests_subject_erased AFTER UPDATE OF subject_erased_at ON requests
                FOR EACH ROW WHEN (NEW.subject_erased_at IS NOT NULL AND OLD.subject_erased_at IS NULL)
                EXECUTE FUNCTION requests_subject_erased()
                """,
            ],
            // A release before this one keeps callbacks only: less evidence for the requests it touches.
            oldestCompatible: 11
        ),
        Migration(
            version: 16,
            name: "audit entries take their log positions at commit, so no instance waits on another's round trips",
            statements: [
                // A transaction's entries wait here (unlogged: they never outlive it) until it commits.
                """
                CREATE UNLOGGED TABLE audit_pending (
                    id BIGINT PRIMARY KEY DEFAULT nextval('audit_entries_id_seq'),
                    request_id TEXT COLLATE "C" NOT NULL,
                    at DOUBLE PRECISION NOT NULL,
                    actor TEXT NOT NULL,
                    event TEXT NOT NULL,
                    from_state TEXT,
                    to_state TEXT,
                    detail TEXT,
                    principal TEXT,
                    evidence TEXT,
                    leaf_hash BYTEA NOT NULL,
                    tx BIGINT NOT NULL DEFAULT txid_current(),
                    -- Set on the first row of each statement: the commit trigger fires for those rows only.
                    seals BOOLEAN NOT NULL DEFAULT FALSE
                )
                """,
                "CREATE INDEX audit_pending_tx ON audit_pending (tx)",
                // At commit, inside the transaction: its entries move to the trail at the log's next positions, in the
                // order written. Only the committing transaction's own rows are visible to it, and the log's row
                // stays locked until the commit ends, so positions follow commit order with no gap. It fires once per
                // statement that wrote entries: the first firing moves them all; the others find none and lock nothing.
                """
                CREATE FUNCTION audit_pending_position() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    WITH moved AS (DELETE FROM audit_pending WHERE tx = txid_current() RETURNING *),
                    counted AS (SELECT COUNT(*) AS n FROM moved),
                    position AS (
                        UPDATE audit_log SET size = size + counted.n FROM counted
                        WHERE id = 1 AND counted.n > 0 RETURNING size - counted.n AS first
                    )
                    INSERT INTO audit_entries (id, request_id, at, actor, event, from_state, to_state, detail,
                        principal, evidence, leaf_hash, leaf_index)
                    SELECT m.id, m.request_id, m.at, m.actor, m.event, m.from_state, m.to_state, m.detail,
                        m.principal, m.evidence, m.leaf_hash, position.first + ROW_NUMBER() OVER (ORDER BY m.id) - 1
                    FROM moved m, position;
                    RETURN NULL;
                END $$
                """,
                """
                CREATE CONSTRAINT TRIGGER audit_pending_position AFTER INSERT ON audit_pending
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.seals) EXECUTE FUNCTION audit_pending_position()
                """,
            ],
            // A release before this one writes entries with their positions directly; both take them under the log
            // row's lock, so they can write side by side.
            oldestCompatible: 11
        ),
    ]
}

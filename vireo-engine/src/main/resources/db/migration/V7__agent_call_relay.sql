-- Agent calls that an engine which does not lead asks the leader to make for it (hostlink.AgentCallRelay).
-- A row lives for the seconds of one call and is deleted when its caller has read the answer or gave up.
-- UNLOGGED: the rows are worthless after a database crash (every waiting caller lost its connection
-- with it), and a console password passing through stays out of the write-ahead log and off replicas.
CREATE UNLOGGED TABLE agent_call_relay (
    id              UUID PRIMARY KEY,
    host_id         UUID NOT NULL,
    method          TEXT NOT NULL,
    params          JSONB NOT NULL,
    timeout_ms      BIGINT NOT NULL,
    requested_by    TEXT NOT NULL,
    deadline        TIMESTAMPTZ NOT NULL,
    claimed_by      TEXT,
    claimed_epoch   BIGINT,
    answered_at     TIMESTAMPTZ,
    result          JSONB,
    error_code      TEXT,
    error_rpc_code  INT,
    error_message   TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX agent_call_relay_unclaimed ON agent_call_relay (created_at) WHERE claimed_by IS NULL;

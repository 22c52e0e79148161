-- Desired state, jobs and events of the Vireo engine.

CREATE TABLE leadership (
    id          INT PRIMARY KEY CHECK (id = 1),
    holder      TEXT NOT NULL,
    epoch       BIGINT NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id              UUID PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    failed_logins   INT NOT NULL DEFAULT 0,
    locked_until    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE access_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE data_centers (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE clusters (
    id                  UUID PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    data_center_id      UUID NOT NULL REFERENCES data_centers (id),
    description         TEXT NOT NULL DEFAULT '',
    memory_overcommit   INT NOT NULL DEFAULT 100,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE hosts (
    id                      UUID PRIMARY KEY,
    name                    TEXT NOT NULL UNIQUE,
    address                 TEXT NOT NULL,
    cluster_id              UUID NOT NULL REFERENCES clusters (id),
    status                  TEXT NOT NULL,
    enrollment_token_hash   TEXT,
    enrollment_expires_at   TIMESTAMPTZ,
    enrolled_at             TIMESTAMPTZ,
    certificate_serial      TEXT,
    domain_type             TEXT,
    libvirt_version         TEXT,
    cpu_count               INT NOT NULL DEFAULT 0,
    cpu_load_percent        DOUBLE PRECISION NOT NULL DEFAULT 0,
    memory_total_kib        BIGINT NOT NULL DEFAULT 0,
    memory_free_kib         BIGINT NOT NULL DEFAULT 0,
    running_vms             INT NOT NULL DEFAULT 0,
    last_seen_at            TIMESTAMPTZ,
    status_changed_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE storage_domains (
    id              UUID PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    data_center_id  UUID NOT NULL REFERENCES data_centers (id),
    type            TEXT NOT NULL,
    path            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE vms (
    id                  UUID PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    cluster_id          UUID NOT NULL REFERENCES clusters (id),
    vcpus               INT NOT NULL,
    memory_mib          INT NOT NULL,
    kernel              TEXT,
    initrd              TEXT,
    cmdline             TEXT,
    graphics            TEXT NOT NULL,
    desired_state       TEXT NOT NULL,
    status              TEXT NOT NULL,
    host_id             UUID REFERENCES hosts (id),
    vnc_port            INT,
    cpu_time_nanos      BIGINT NOT NULL DEFAULT 0,
    status_changed_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX vms_host ON vms (host_id);

CREATE TABLE disks (
    id                  UUID PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    storage_domain_id   UUID NOT NULL REFERENCES storage_domains (id),
    size_bytes          BIGINT NOT NULL,
    format              TEXT NOT NULL,
    status              TEXT NOT NULL,
    path                TEXT NOT NULL,
    vm_id               UUID REFERENCES vms (id),
    boot_order          INT NOT NULL DEFAULT 0,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX disks_vm ON disks (vm_id);

CREATE TABLE jobs (
    id              UUID PRIMARY KEY,
    kind            TEXT NOT NULL,
    target_type     TEXT NOT NULL,
    target_id       UUID NOT NULL,
    description     TEXT NOT NULL,
    status          TEXT NOT NULL,
    params          JSONB NOT NULL DEFAULT '{}',
    state           JSONB NOT NULL DEFAULT '{}',
    error_code      TEXT,
    error_message   TEXT,
    epoch           BIGINT,
    heartbeat_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    ended_at        TIMESTAMPTZ
);
CREATE INDEX jobs_open ON jobs (status) WHERE status IN ('PENDING', 'RUNNING');
CREATE INDEX jobs_target ON jobs (target_id);

CREATE TABLE job_steps (
    job_id      UUID NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    position    INT NOT NULL,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL,
    progress    INT NOT NULL DEFAULT 0,
    message     TEXT NOT NULL DEFAULT '',
    started_at  TIMESTAMPTZ,
    ended_at    TIMESTAMPTZ,
    PRIMARY KEY (job_id, position)
);

CREATE TABLE events (
    id          BIGSERIAL PRIMARY KEY,
    time        TIMESTAMPTZ NOT NULL DEFAULT now(),
    severity    TEXT NOT NULL,
    code        TEXT NOT NULL,
    message     TEXT NOT NULL,
    vm_id       UUID,
    host_id     UUID,
    job_id      UUID
);

-- Live migration policies, scheduling policies, affinity groups and host maintenance.

ALTER TABLE clusters
    ADD COLUMN migration_max_downtime_ms INT NOT NULL DEFAULT 100,
    ADD COLUMN migration_bandwidth_mibps INT NOT NULL DEFAULT 0,
    ADD COLUMN migration_auto_converge BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN migration_post_copy BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN migration_downtime_steps_ms TEXT NOT NULL DEFAULT '200,500,1000',
    ADD COLUMN migration_stall_seconds INT NOT NULL DEFAULT 10,
    ADD COLUMN migration_max_outgoing INT NOT NULL DEFAULT 2,
    ADD COLUMN migration_max_incoming INT NOT NULL DEFAULT 2,
    ADD COLUMN scheduling_policy TEXT NOT NULL DEFAULT 'none',
    ADD COLUMN scheduling_parameters JSONB NOT NULL DEFAULT '{}';

ALTER TABLE vms
    ADD COLUMN migration_policy JSONB,
    ADD COLUMN migrating_to_host_id UUID REFERENCES hosts (id),
    ADD COLUMN preferred_host_id UUID REFERENCES hosts (id);

ALTER TABLE hosts
    ADD COLUMN cpu_model TEXT,
    ADD COLUMN cpu_flags TEXT NOT NULL DEFAULT '';

CREATE TABLE affinity_groups (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    cluster_id  UUID NOT NULL REFERENCES clusters (id),
    kind        TEXT NOT NULL,
    positive    BOOLEAN NOT NULL,
    enforcing   BOOLEAN NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE affinity_group_vms (
    group_id    UUID NOT NULL REFERENCES affinity_groups (id) ON DELETE CASCADE,
    vm_id       UUID NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, vm_id)
);

CREATE TABLE affinity_group_hosts (
    group_id    UUID NOT NULL REFERENCES affinity_groups (id) ON DELETE CASCADE,
    host_id     UUID NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, host_id)
);

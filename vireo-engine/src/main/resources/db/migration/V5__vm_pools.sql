-- Desktop pools: VMs made as thin clones of a template VM's disks, handed to users.

CREATE TABLE vm_pools (
    id                      UUID PRIMARY KEY,
    name                    TEXT NOT NULL UNIQUE,
    description             TEXT NOT NULL DEFAULT '',
    cluster_id              UUID NOT NULL REFERENCES clusters (id),
    template_vm_id          UUID NOT NULL REFERENCES vms (id),
    type                    TEXT NOT NULL,               -- AUTOMATIC (stateless, returned on shutdown) or MANUAL
    size                    INT NOT NULL,
    prestarted              INT NOT NULL DEFAULT 0,
    max_desktops_per_user   INT NOT NULL DEFAULT 1,
    status                  TEXT NOT NULL DEFAULT 'ACTIVE', -- ACTIVE or DELETING
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE vms
    ADD COLUMN pool_id UUID REFERENCES vm_pools (id),
    ADD COLUMN pool_index INT,
    ADD COLUMN assigned_user_id UUID REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN assigned_at TIMESTAMPTZ,
    ADD COLUMN needs_reset BOOLEAN NOT NULL DEFAULT FALSE;

CREATE UNIQUE INDEX vms_pool_index ON vms (pool_id, pool_index) WHERE pool_id IS NOT NULL;
CREATE INDEX vms_assigned_user ON vms (assigned_user_id) WHERE assigned_user_id IS NOT NULL;

-- A desktop's disk is a thin qcow2 overlay whose backing file is the template's disk.
ALTER TABLE disks
    ADD COLUMN backing_disk_id UUID REFERENCES disks (id);

-- Logical networks (owner: networks): a bridge on each host of the clusters a network is attached to,
-- built on the host interface host_nic (or its VLAN sub-interface host_nic.vlan_id).
CREATE TABLE networks (
    id              UUID PRIMARY KEY,
    data_center_id  UUID NOT NULL REFERENCES data_centers (id),
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    vlan_id         INT CHECK (vlan_id BETWEEN 1 AND 4094),
    mtu             INT NOT NULL DEFAULT 1500 CHECK (mtu BETWEEN 68 AND 65535),
    host_nic        TEXT NOT NULL,
    bridge          TEXT NOT NULL UNIQUE CHECK (length(bridge) <= 15),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (data_center_id, name)
);

-- The networks every host of a cluster carries; a host that cannot carry a required one is NonOperational.
CREATE TABLE cluster_networks (
    cluster_id  UUID NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
    network_id  UUID NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    required    BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (cluster_id, network_id)
);
CREATE INDEX cluster_networks_network ON cluster_networks (network_id);

-- VM network interfaces (owner: networks). A MAC is unique in its data center (the data center's MAC
-- pool: the unique index decides, so an allocated MAC is never given twice); the rows go with their
-- VM (ON DELETE CASCADE), which frees their MACs; a network with NICs on it cannot be removed.
CREATE TABLE vm_nics (
    id              UUID PRIMARY KEY,
    vm_id           UUID NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
    data_center_id  UUID NOT NULL REFERENCES data_centers (id),
    cluster_id      UUID NOT NULL REFERENCES clusters (id),   -- the VM's, which never changes
    name            TEXT NOT NULL,
    network_id      UUID NOT NULL REFERENCES networks (id),
    mac             TEXT NOT NULL CHECK (mac ~ '^[0-9a-f][02468ace](:[0-9a-f]{2}){5}$'),
    linked          BOOLEAN NOT NULL DEFAULT TRUE,
    model           TEXT NOT NULL DEFAULT 'virtio',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (vm_id, name)
);
CREATE UNIQUE INDEX vm_nics_mac ON vm_nics (data_center_id, mac);
CREATE INDEX vm_nics_network ON vm_nics (network_id, cluster_id);
CREATE INDEX vm_nics_cluster ON vm_nics (cluster_id);

-- The host's network interfaces as its agent last reported them (owner: hosts), a JSON list of HostNic.
ALTER TABLE hosts ADD COLUMN nics JSONB NOT NULL DEFAULT '[]';

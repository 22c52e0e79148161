-- A live migration's default pause at the switch-over is 50 ms (was 100 ms), and a migration that
-- stalls raises it through 100, 200, 500 and 1000 ms. Clusters created from now on get these; a
-- cluster that still has the old defaults (100 ms, 200,500,1000) gets the new ones, since nobody chose
-- those values for it (an administrator's own choice of them cannot be told apart and is changed too).
ALTER TABLE clusters ALTER COLUMN migration_max_downtime_ms SET DEFAULT 50;
ALTER TABLE clusters ALTER COLUMN migration_downtime_steps_ms SET DEFAULT '100,200,500,1000';
UPDATE clusters SET migration_max_downtime_ms = 50, migration_downtime_steps_ms = '100,200,500,1000'
    WHERE migration_max_downtime_ms = 100 AND migration_downtime_steps_ms = '200,500,1000';

-- vNIC profiles (owner: networks), as in oVirt: what a VM NIC on a network gets (an MTU at most the
-- network's, whether it starts linked). Each network has a default profile with its name; profiles go
-- with their network, and one that NICs use cannot be removed.
CREATE TABLE vnic_profiles (
    id           UUID PRIMARY KEY,
    network_id   UUID NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    mtu          INT CHECK (mtu BETWEEN 68 AND 65535),
    linked       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (network_id, name)
);
INSERT INTO vnic_profiles (id, network_id, name) SELECT gen_random_uuid(), id, name FROM networks;

ALTER TABLE vm_nics ADD COLUMN profile_id UUID REFERENCES vnic_profiles (id);
UPDATE vm_nics nic SET profile_id = p.id FROM vnic_profiles p JOIN networks n ON n.id = p.network_id AND n.name = p.name
    WHERE p.network_id = nic.network_id;
CREATE INDEX vm_nics_profile ON vm_nics (profile_id);

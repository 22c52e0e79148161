-- VM NICs on the built-in provider's networks (owner: networks). Such a NIC has no logical network but a
-- provider network and its port there (made by the neutron feature with the NIC's MAC); exactly one of the two.
ALTER TABLE vm_nics ALTER COLUMN network_id DROP NOT NULL;
ALTER TABLE vm_nics ADD COLUMN provider_network_id UUID REFERENCES neutron_networks (id);
ALTER TABLE vm_nics ADD COLUMN port_id UUID UNIQUE;
ALTER TABLE vm_nics ADD CONSTRAINT vm_nics_one_network
    CHECK ((network_id IS NULL) <> (provider_network_id IS NULL) AND (provider_network_id IS NULL) = (port_id IS NULL));
CREATE INDEX vm_nics_provider_network ON vm_nics (provider_network_id);

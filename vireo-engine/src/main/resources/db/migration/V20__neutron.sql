-- The built-in network provider's objects (owner: neutron), served as OpenStack's Neutron v2.0 API under
-- /networking (docs/openstack.md). project_id is the OpenStack project an object was made for (a user's or a
-- group's id, see the identity package); it is no foreign key: a project is a mapping, not a row.
-- Every object carries Neutron's standard attributes: created_at, updated_at, revision_number.

CREATE TABLE neutron_networks (
    id                 UUID PRIMARY KEY,
    project_id         UUID NOT NULL,
    name               TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 255),
    description        TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 255),
    admin_state_up     BOOLEAN NOT NULL DEFAULT TRUE,
    shared             BOOLEAN NOT NULL DEFAULT FALSE,
    router_external    BOOLEAN NOT NULL DEFAULT FALSE,
    port_security      BOOLEAN NOT NULL DEFAULT TRUE,
    mtu                INT NOT NULL CHECK (mtu BETWEEN 68 AND 65535),
    network_type       TEXT NOT NULL CHECK (network_type IN ('vxlan', 'flat')),
    -- for flat: the name of a Vireo bridged network of the data center, resolved by the networks package
    physical_network   TEXT CHECK (length(physical_network) <= 255),
    segmentation_id    INT CHECK (segmentation_id BETWEEN 1 AND 16777215),
    data_center_id     UUID NOT NULL REFERENCES data_centers (id),
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    revision_number    INT NOT NULL DEFAULT 0,
    CHECK ((network_type = 'vxlan') = (segmentation_id IS NOT NULL)),
    CHECK ((network_type = 'flat') = (physical_network IS NOT NULL))
);
-- a VXLAN network identifier is given once (the unique index decides)
CREATE UNIQUE INDEX neutron_networks_vni ON neutron_networks (segmentation_id);
CREATE INDEX neutron_networks_project ON neutron_networks (project_id);

CREATE TABLE neutron_subnets (
    id                 UUID PRIMARY KEY,
    network_id         UUID NOT NULL REFERENCES neutron_networks (id),
    project_id         UUID NOT NULL,
    name               TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 255),
    description        TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 255),
    cidr               TEXT NOT NULL,
    gateway_ip         TEXT,
    allocation_pools   JSONB NOT NULL DEFAULT '[]',   -- [{"start": ..., "end": ...}]
    dns_nameservers    JSONB NOT NULL DEFAULT '[]',   -- ["10.0.0.53"]
    host_routes        JSONB NOT NULL DEFAULT '[]',   -- [{"destination": ..., "nexthop": ...}]
    enable_dhcp        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    revision_number    INT NOT NULL DEFAULT 0
);
CREATE INDEX neutron_subnets_network ON neutron_subnets (network_id);

CREATE TABLE neutron_security_groups (
    id                 UUID PRIMARY KEY,
    project_id         UUID NOT NULL,
    name               TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 255),
    description        TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 255),
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    revision_number    INT NOT NULL DEFAULT 0
);
CREATE INDEX neutron_security_groups_project ON neutron_security_groups (project_id);
-- each project's "default" group, made when the project first needs it: made once
CREATE UNIQUE INDEX neutron_security_groups_default ON neutron_security_groups (project_id) WHERE name = 'default';

CREATE TABLE neutron_security_group_rules (
    id                 UUID PRIMARY KEY,
    security_group_id  UUID NOT NULL REFERENCES neutron_security_groups (id) ON DELETE CASCADE,
    project_id         UUID NOT NULL,
    direction          TEXT NOT NULL CHECK (direction IN ('ingress', 'egress')),
    ethertype          TEXT NOT NULL CHECK (ethertype IN ('IPv4', 'IPv6')),
    protocol           TEXT,
    port_range_min     INT CHECK (port_range_min BETWEEN 0 AND 65535),
    port_range_max     INT CHECK (port_range_max BETWEEN 0 AND 65535),
    remote_ip_prefix   TEXT,
    remote_group_id    UUID REFERENCES neutron_security_groups (id) ON DELETE CASCADE,
    description        TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 255),
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    revision_number    INT NOT NULL DEFAULT 0
);
CREATE INDEX neutron_rules_group ON neutron_security_group_rules (security_group_id);
CREATE INDEX neutron_rules_remote_group ON neutron_security_group_rules (remote_group_id);

CREATE TABLE neutron_routers (
    id                 UUID PRIMARY KEY,
    project_id         UUID NOT NULL,
    name               TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 255),
    description        TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 255),
    admin_state_up     BOOLEAN NOT NULL DEFAULT TRUE,
    -- the external gateway: a network with router_external, and whether the router masquerades to it
    gateway_network_id UUID REFERENCES neutron_networks (id),
    enable_snat        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    revision_number    INT NOT NULL DEFAULT 0
);
CREATE INDEX neutron_routers_gateway ON neutron_routers (gateway_network_id);

-- Ports: VM NICs (compute:*), DHCP servers (network:dhcp), router interfaces and gateways, floating IPs'
-- addresses (network:floatingip). A MAC is unique on its network (Neutron's MacAddressInUse).
CREATE TABLE neutron_ports (
    id                 UUID PRIMARY KEY,
    network_id         UUID NOT NULL REFERENCES neutron_networks (id),
    project_id         UUID NOT NULL,
    name               TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 255),
    description        TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 255),
    mac_address        TEXT NOT NULL CHECK (mac_address ~ '^[0-9a-f][02468ace](:[0-9a-f]{2}){5}$'),
    admin_state_up     BOOLEAN NOT NULL DEFAULT TRUE,
    device_owner       TEXT NOT NULL DEFAULT '' CHECK (length(device_owner) <= 255),
    device_id          TEXT NOT NULL DEFAULT '' CHECK (length(device_id) <= 255),
    port_security      BOOLEAN NOT NULL DEFAULT TRUE,
    host_id            TEXT NOT NULL DEFAULT '',            -- binding:host_id, set by the data path only
    status             TEXT NOT NULL DEFAULT 'DOWN' CHECK (status IN ('ACTIVE', 'DOWN', 'BUILD', 'ERROR')),
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    revision_number    INT NOT NULL DEFAULT 0,
    UNIQUE (network_id, mac_address)
);
CREATE INDEX neutron_ports_device ON neutron_ports (device_id);
CREATE INDEX neutron_ports_project ON neutron_ports (project_id);

-- A port's fixed IPs: an address is given once in its subnet (the primary key decides: IpAddressAlreadyAllocated).
CREATE TABLE neutron_ip_allocations (
    subnet_id          UUID NOT NULL REFERENCES neutron_subnets (id),
    ip_address         TEXT NOT NULL,
    port_id            UUID NOT NULL REFERENCES neutron_ports (id) ON DELETE CASCADE,
    position           INT NOT NULL,
    PRIMARY KEY (subnet_id, ip_address)
);
CREATE INDEX neutron_ip_allocations_port ON neutron_ip_allocations (port_id);

CREATE TABLE neutron_port_security_groups (
    port_id            UUID NOT NULL REFERENCES neutron_ports (id) ON DELETE CASCADE,
    security_group_id  UUID NOT NULL REFERENCES neutron_security_groups (id),
    PRIMARY KEY (port_id, security_group_id)
);
CREATE INDEX neutron_port_security_groups_group ON neutron_port_security_groups (security_group_id);

-- A router's ports (its interfaces and its gateway) are ports whose device_id is the router's id; this row
-- ties them to it so that neither can go without the other.
CREATE TABLE neutron_router_ports (
    router_id          UUID NOT NULL REFERENCES neutron_routers (id),
    port_id            UUID NOT NULL UNIQUE REFERENCES neutron_ports (id),
    kind               TEXT NOT NULL CHECK (kind IN ('interface', 'gateway')),
    PRIMARY KEY (router_id, port_id)
);
CREATE UNIQUE INDEX neutron_router_one_gateway ON neutron_router_ports (router_id) WHERE kind = 'gateway';

CREATE TABLE neutron_floating_ips (
    id                  UUID PRIMARY KEY,
    project_id          UUID NOT NULL,
    floating_network_id UUID NOT NULL REFERENCES neutron_networks (id),
    -- the network:floatingip port on the external network that holds the address
    address_port_id     UUID NOT NULL UNIQUE REFERENCES neutron_ports (id),
    floating_ip_address TEXT NOT NULL,
    port_id             UUID REFERENCES neutron_ports (id),
    fixed_ip_address    TEXT,
    router_id           UUID REFERENCES neutron_routers (id),
    description         TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 255),
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    revision_number     INT NOT NULL DEFAULT 0,
    CHECK ((port_id IS NULL) = (fixed_ip_address IS NULL))
);
-- one floating IP per fixed address of a port
CREATE UNIQUE INDEX neutron_floating_ips_fixed ON neutron_floating_ips (port_id, fixed_ip_address);
CREATE INDEX neutron_floating_ips_router ON neutron_floating_ips (router_id);

-- Users, groups, roles and permissions (role granted to a user or a group on an object, inherited downwards).

ALTER TABLE users
    ADD COLUMN display_name TEXT NOT NULL DEFAULT '',
    ADD COLUMN email TEXT NOT NULL DEFAULT '',
    ADD COLUMN enabled BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE user_groups (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE group_members (
    group_id    UUID NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

-- Built-in roles are kept up to date by the engine at start (RoleCatalog); SuperUser is made here so
-- that an existing admin can be given it below.
CREATE TABLE roles (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    built_in    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE role_permissions (
    role_id     UUID NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission  TEXT NOT NULL,
    PRIMARY KEY (role_id, permission)
);
CREATE INDEX role_permissions_permission ON role_permissions (permission);

-- object_id of a SYSTEM grant is the nil UUID, so that every grant names its object with an equality.
CREATE TABLE permissions (
    id          UUID PRIMARY KEY,
    user_id     UUID REFERENCES users (id) ON DELETE CASCADE,
    group_id    UUID REFERENCES user_groups (id) ON DELETE CASCADE,
    role_id     UUID NOT NULL REFERENCES roles (id),
    object_type TEXT NOT NULL,
    object_id   UUID NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((user_id IS NULL) <> (group_id IS NULL))
);
CREATE UNIQUE INDEX permissions_unique ON permissions (COALESCE(user_id, group_id), role_id, object_type, object_id);
CREATE INDEX permissions_user ON permissions (user_id);
CREATE INDEX permissions_group ON permissions (group_id);
CREATE INDEX permissions_object ON permissions (object_type, object_id);

INSERT INTO roles (id, name, description, built_in)
VALUES ('00000000-0000-0000-0001-000000000001', 'SuperUser', 'Everything, everywhere', TRUE);

INSERT INTO permissions (id, user_id, role_id, object_type, object_id)
SELECT gen_random_uuid(), id, '00000000-0000-0000-0001-000000000001', 'SYSTEM', '00000000-0000-0000-0000-000000000000'
FROM users WHERE name = 'admin';

package io.vireo.engine.auth;

import io.vireo.model.ObjectType;

import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** An object a permission is checked on. SYSTEM has no id of its own: in the database it is the nil UUID. */
public record ObjectRef(ObjectType type, UUID id) {
    public static final UUID SYSTEM_ID = new UUID(0, 0);
    public static final ObjectRef SYSTEM = new ObjectRef(ObjectType.SYSTEM, SYSTEM_ID);

    public ObjectRef {
        requireNonNull(type, "type");
        requireNonNull(id, "id");
        if (type == ObjectType.SYSTEM && !id.equals(SYSTEM_ID)) {
            throw new IllegalArgumentException("SYSTEM has no id");
        }
    }

    public static ObjectRef of(ObjectType type, UUID id) {
        return type == ObjectType.SYSTEM ? SYSTEM : new ObjectRef(type, id);
    }

    public static ObjectRef dataCenter(UUID id) {
        return new ObjectRef(ObjectType.DATA_CENTER, id);
    }

    public static ObjectRef cluster(UUID id) {
        return new ObjectRef(ObjectType.CLUSTER, id);
    }

    public static ObjectRef host(UUID id) {
        return new ObjectRef(ObjectType.HOST, id);
    }

    public static ObjectRef storageDomain(UUID id) {
        return new ObjectRef(ObjectType.STORAGE_DOMAIN, id);
    }

    public static ObjectRef disk(UUID id) {
        return new ObjectRef(ObjectType.DISK, id);
    }

    public static ObjectRef vm(UUID id) {
        return new ObjectRef(ObjectType.VM, id);
    }

    public static ObjectRef pool(UUID id) {
        return new ObjectRef(ObjectType.VM_POOL, id);
    }

    /** The id as the API shows it: null for SYSTEM. */
    public String apiId() {
        return type == ObjectType.SYSTEM ? null : id.toString();
    }
}

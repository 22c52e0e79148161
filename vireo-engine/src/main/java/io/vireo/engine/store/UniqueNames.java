package io.vireo.engine.store;

import io.vireo.engine.common.ConflictException;
import io.vireo.model.ErrorCode;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.Map;
import java.util.function.Function;

/**
 * The one way names are kept unique: the table's unique index decides (no check-then-insert race),
 * and its violation becomes a DUPLICATE_NAME refusal that names the kind and the name.
 */
public final class UniqueNames {
    private UniqueNames() {
    }

    /** Runs {@code insert} in a transaction; a unique violation inside it means the name is taken. */
    public static <T> T insert(Jdbi jdbi, String kind, String name, Function<Handle, T> insert) {
        try {
            return jdbi.inTransaction(insert::apply);
        } catch (RuntimeException e) {
            throw translate(e, kind, name);
        }
    }

    /** Turns a unique violation into the refusal a client understands; anything else is rethrown as it is. */
    public static RuntimeException translate(RuntimeException e, String kind, String name) {
        if (Rows.isUniqueViolation(e)) {
            return new ConflictException(ErrorCode.DUPLICATE_NAME, "A " + kind + " named " + name + " exists already",
                    Map.of("name", name));
        }
        return e;
    }
}

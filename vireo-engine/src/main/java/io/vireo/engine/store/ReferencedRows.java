package io.vireo.engine.store;

import io.vireo.engine.common.ConflictException;
import io.vireo.model.ErrorCode;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.function.Consumer;

/**
 * The one way a row that others may still reference is removed: the database's foreign keys decide
 * (no feature reads another's tables to find out, and a reference added concurrently cannot slip
 * through), and a violation becomes ENTITY_IN_USE with the caller's sentence.
 */
public final class ReferencedRows {
    private ReferencedRows() {
    }

    /** Runs {@code remove} in a transaction; a foreign key violation inside it means the row is still in use. */
    public static void remove(Jdbi jdbi, Consumer<Handle> remove, String inUse) {
        try {
            jdbi.useTransaction(remove::accept);
        } catch (RuntimeException e) {
            if (Rows.isForeignKeyViolation(e)) {
                throw new ConflictException(ErrorCode.ENTITY_IN_USE, inUse);
            }
            throw e;
        }
    }

    /**
     * Inside the caller's transaction: runs {@code remove} and answers true, or answers false when a
     * foreign key says the row is still referenced (that attempt is undone, the transaction goes on).
     */
    public static boolean removeUnlessReferenced(Handle h, Consumer<Handle> remove) {
        String savepoint = "remove_unless_referenced";
        h.savepoint(savepoint);
        try {
            remove.accept(h);
            h.releaseSavepoint(savepoint);
            return true;
        } catch (RuntimeException e) {
            if (Rows.isForeignKeyViolation(e)) {
                h.rollbackToSavepoint(savepoint);
                return false;
            }
            throw e;
        }
    }
}

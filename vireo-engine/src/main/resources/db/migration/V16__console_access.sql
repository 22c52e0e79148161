-- A console ticket remembers the user's id (its name alone does not survive a rename), so that an open
-- console can be checked against the user's access after the ticket was issued.
ALTER TABLE console_tickets ADD COLUMN user_id UUID REFERENCES users (id) ON DELETE CASCADE;
UPDATE console_tickets t SET user_id = u.id FROM users u WHERE u.name = t.created_by;
CREATE INDEX console_tickets_user_vm ON console_tickets (user_id, vm_id, created_at);

-- Whatever can take access away (a grant revoked, a role losing a permission, a user leaving a group, a user
-- disabled or deleted) notifies the channel access_changed in its own transaction, whichever code path made it;
-- every engine instance listens and checks the consoles it holds open.
CREATE FUNCTION notify_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('access_changed', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

CREATE TRIGGER permissions_access_changed AFTER UPDATE OR DELETE ON permissions
    FOR EACH STATEMENT EXECUTE FUNCTION notify_access_changed();
CREATE TRIGGER role_permissions_access_changed AFTER UPDATE OR DELETE ON role_permissions
    FOR EACH STATEMENT EXECUTE FUNCTION notify_access_changed();
CREATE TRIGGER group_members_access_changed AFTER UPDATE OR DELETE ON group_members
    FOR EACH STATEMENT EXECUTE FUNCTION notify_access_changed();
CREATE TRIGGER users_access_changed AFTER UPDATE OF enabled OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_access_changed();

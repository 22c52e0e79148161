-- One-time console tickets: a token admits one WebSocket to the VM's VNC display, whose password is set for the ticket.
CREATE TABLE console_tickets (
    token_hash  TEXT PRIMARY KEY,
    vm_id       UUID NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
    host_id     UUID NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

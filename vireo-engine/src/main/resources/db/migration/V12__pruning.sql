-- The leader prunes what only grows (EngineConfig.Pruning): these indexes find the oldest rows of
-- each such table, or the expired ones, without reading the whole table each round.
CREATE INDEX events_time ON events (time);
CREATE INDEX jobs_finished ON jobs (ended_at, id) WHERE status IN ('DONE', 'FAILED');
CREATE INDEX access_tokens_expiry ON access_tokens (expires_at);
CREATE INDEX console_tickets_expiry ON console_tickets (expires_at);

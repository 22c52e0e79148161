-- A live migration's default pause at the switch-over is 50 ms (was 100 ms), and a migration that
-- stalls raises it through 100, 200, 500 and 1000 ms. Clusters created from now on get these; a
-- cluster that still has the old defaults (100 ms, 200,500,1000) gets the new ones, since nobody chose
-- those values for it (an administrator's own choice of them cannot be told apart and is changed too).
ALTER TABLE clusters ALTER COLUMN migration_max_downtime_ms SET DEFAULT 50;
ALTER TABLE clusters ALTER COLUMN migration_downtime_steps_ms SET DEFAULT '100,200,500,1000';
UPDATE clusters SET migration_max_downtime_ms = 50, migration_downtime_steps_ms = '100,200,500,1000'
    WHERE migration_max_downtime_ms = 100 AND migration_downtime_steps_ms = '200,500,1000';

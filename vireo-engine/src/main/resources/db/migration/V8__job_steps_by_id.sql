-- Steps are keyed by ids: the step of the job's kind (its enum name) and the object it is about (a
-- VM of a host being evacuated), no longer by the name the API shows, which stays as a label.
ALTER TABLE job_steps ADD COLUMN step TEXT;
ALTER TABLE job_steps ADD COLUMN subject_id UUID;

-- Until now the label was the step, followed by the VM's name for an evacuation ("EVACUATE web1").
UPDATE job_steps SET step = split_part(name, ' ', 1);
ALTER TABLE job_steps ALTER COLUMN step SET NOT NULL;

-- An evacuation that is not over resumes with its VMs found by id: the step's subject, and the
-- job's parameters as the new engine reads them ({"vms": [{"id", "name"}]} instead of {"vmIds"}).
UPDATE job_steps s SET subject_id = v.id
FROM jobs j, vms v
WHERE s.job_id = j.id AND j.kind = 'DEACTIVATE_HOST' AND s.step = 'EVACUATE'
  AND j.params -> 'vmIds' @> jsonb_build_array(v.id::text) AND s.name = 'EVACUATE ' || v.name;

UPDATE jobs j SET params = jsonb_build_object('vms', coalesce(
        (SELECT jsonb_agg(jsonb_build_object('id', v.id, 'name', v.name) ORDER BY v.name)
         FROM vms v WHERE j.params -> 'vmIds' @> jsonb_build_array(v.id::text)), '[]'::jsonb))
WHERE j.kind = 'DEACTIVATE_HOST' AND j.params -> 'vmIds' IS NOT NULL AND j.status IN ('PENDING', 'RUNNING');

-- A generation step may return several files, one GenerationStepCompleted each: an output is one
-- file of one step of one generation, known by its position among the step's files. Phase 1 kept
-- one asset per step; those assets are their step's first file.
ALTER TABLE assets ADD COLUMN output_index integer CHECK (output_index >= 0);
UPDATE assets SET output_index = 0 WHERE job_id IS NOT NULL;

ALTER TABLE assets
    DROP CONSTRAINT assets_generation_complete,
    ADD CONSTRAINT assets_generation_complete
        CHECK ((job_id IS NULL AND generation IS NULL AND step_id IS NULL AND output_index IS NULL)
            OR (job_id IS NOT NULL AND generation IS NOT NULL AND step_id IS NOT NULL AND output_index IS NOT NULL));

-- One asset per output file, ever: a redelivered or repeated GenerationStepCompleted stores nothing again.
DROP INDEX assets_one_per_generation_step;
CREATE UNIQUE INDEX assets_one_per_generation_output ON assets (job_id, generation, step_id, output_index)
    WHERE job_id IS NOT NULL;

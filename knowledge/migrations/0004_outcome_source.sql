-- Where an outcome's measurements came from: the GPU-free simulator (local target, simulator manifests) or real
-- hardware. Simulated outcomes are not measurements of a GPU and are shown as such wherever outcomes are shown.
ALTER TABLE deployment_outcomes ADD COLUMN source text NOT NULL DEFAULT 'hardware'
    CHECK (source IN ('simulator', 'hardware'));
UPDATE deployment_outcomes SET source = 'simulator' WHERE target IN ('local', 'simulator');
UPDATE deployment_outcomes SET outcome = outcome || jsonb_build_object('source', source)
    WHERE NOT outcome ? 'source';

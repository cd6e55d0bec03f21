-- Knowledge base: catalog (models, GPUs, use cases), benchmarks, deployment outcomes.
-- Catalog entries are stored as validated JSON documents (the pydantic models in knowledge/domain),
-- with the columns needed for lookups and integrity checks pulled out.

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE catalog_state (
    id          integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    content_hash text NOT NULL,
    loaded_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE models (
    id          text PRIMARY KEY,
    family      text NOT NULL,
    card        jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX models_id_ci ON models (lower(id));

-- Every name a model answers to (lower-cased): aliases and quantized variants (with their precision).
CREATE TABLE model_names (
    name        text PRIMARY KEY,
    model_id    text NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    precision   text
);

CREATE TABLE gpus (
    name        text PRIMARY KEY,
    spec        jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Normalised spellings (lower-case, alphanumerics only) -> canonical GPU name.
CREATE TABLE gpu_names (
    name        text PRIMARY KEY,
    gpu_name    text NOT NULL REFERENCES gpus (name) ON DELETE CASCADE
);

CREATE TABLE gpu_prices (
    gpu_name          text NOT NULL REFERENCES gpus (name) ON DELETE CASCADE,
    provider          text NOT NULL,
    instance          text NOT NULL DEFAULT '',
    usd_per_gpu_hour  numeric(10, 4) NOT NULL CHECK (usd_per_gpu_hour > 0),
    source            text NOT NULL,
    as_of             date NOT NULL,
    PRIMARY KEY (gpu_name, provider, instance)
);

CREATE TABLE use_cases (
    name        text PRIMARY KEY,
    template    jsonb NOT NULL
);

-- Measured (or simulated) performance rows. No foreign keys to the catalog on purpose: the catalog can change
-- after an import, and `compass kb check` reports rows whose model or GPU no longer resolves.
CREATE TABLE benchmarks (
    id              bigserial PRIMARY KEY,
    natural_key     text NOT NULL UNIQUE,
    model_id        text NOT NULL,
    precision       text NOT NULL,
    gpu             text NOT NULL,
    tensor_parallel integer NOT NULL,
    prompt_tokens   integer NOT NULL,
    output_tokens   integer NOT NULL,
    load_kind       text NOT NULL,
    load_value      double precision NOT NULL,
    data_kind       text NOT NULL CHECK (data_kind IN ('measured', 'simulated')),
    source          text NOT NULL,
    row             jsonb NOT NULL,
    imported_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX benchmarks_config ON benchmarks (model_id, precision, gpu, tensor_parallel);

-- What deployments predicted and measured, with a workload embedding for similarity search.
CREATE TABLE deployment_outcomes (
    id          uuid PRIMARY KEY,
    created_at  timestamptz NOT NULL,
    target      text NOT NULL,
    use_case    text,
    model_id    text NOT NULL,
    gpu         text NOT NULL,
    passed      boolean NOT NULL,
    outcome     jsonb NOT NULL,
    workload    vector(32) NOT NULL
);
CREATE INDEX deployment_outcomes_workload ON deployment_outcomes USING hnsw (workload vector_l2_ops);
CREATE INDEX deployment_outcomes_created ON deployment_outcomes (created_at DESC);

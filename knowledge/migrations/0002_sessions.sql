-- Conversation sessions: who owns each LangGraph thread (thread id = session id) and a summary for listings.
-- The conversation itself lives in the LangGraph checkpoint tables (created by PostgresSaver.setup()).

CREATE TABLE sessions (
    id                uuid PRIMARY KEY,
    owner             text NOT NULL,
    title             text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    stage             text NOT NULL DEFAULT 'context',
    turns             integer NOT NULL DEFAULT 0,
    pending_approval  boolean NOT NULL DEFAULT false
);
CREATE INDEX sessions_owner_updated ON sessions (owner, updated_at DESC);

-- Fixed-window request counters for API rate limiting, shared by every Compass process.
CREATE TABLE api_rate_windows (
    subject       text NOT NULL,
    window_start  timestamptz NOT NULL,
    requests      integer NOT NULL DEFAULT 0,
    PRIMARY KEY (subject, window_start)
);

-- Chat history of the web UI (app.py): the tables Chainlit 2.12's SQLAlchemyDataLayer reads and writes.
-- Schema from the Chainlit docs (data-layers/sqlalchemy, with the migrations of 2.1.0 `command`, 2.3.0
-- `defaultOpen` and 2.9.4 `modes`), plus `autoCollapse`, which Step.to_dict() of 2.12 writes as well
-- (without it every tool step fails to persist). Column names are Chainlit's (quoted camelCase); do not rename.
-- A Chainlit thread id is also the Compass session id and the LangGraph thread id.

CREATE TABLE users (
    "id"          uuid PRIMARY KEY,
    "identifier"  text NOT NULL UNIQUE,
    "metadata"    jsonb NOT NULL,
    "createdAt"   text
);

CREATE TABLE threads (
    "id"              uuid PRIMARY KEY,
    "createdAt"       text,
    "name"            text,
    "userId"          uuid,
    "userIdentifier"  text,
    "tags"            text[],
    "metadata"        jsonb,
    FOREIGN KEY ("userId") REFERENCES users ("id") ON DELETE CASCADE
);
CREATE INDEX threads_user ON threads ("userId", "createdAt");

CREATE TABLE steps (
    "id"             uuid PRIMARY KEY,
    "name"           text NOT NULL,
    "type"           text NOT NULL,
    "threadId"       uuid NOT NULL,
    "parentId"       uuid,
    "streaming"      boolean NOT NULL,
    "waitForAnswer"  boolean,
    "isError"        boolean,
    "metadata"       jsonb,
    "tags"           text[],
    "input"          text,
    "output"         text,
    "createdAt"      text,
    "command"        text,
    "modes"          jsonb,
    "start"          text,
    "end"            text,
    "generation"     jsonb,
    "showInput"      text,
    "language"       text,
    "indent"         integer,
    "defaultOpen"    boolean,
    "autoCollapse"   boolean,
    FOREIGN KEY ("threadId") REFERENCES threads ("id") ON DELETE CASCADE
);
CREATE INDEX steps_thread ON steps ("threadId");

CREATE TABLE elements (
    "id"           uuid PRIMARY KEY,
    "threadId"     uuid,
    "type"         text,
    "url"          text,
    "chainlitKey"  text,
    "name"         text NOT NULL,
    "display"      text,
    "objectKey"    text,
    "size"         text,
    "page"         integer,
    "language"     text,
    "forId"        uuid,
    "mime"         text,
    "props"        jsonb,
    FOREIGN KEY ("threadId") REFERENCES threads ("id") ON DELETE CASCADE
);
CREATE INDEX elements_thread ON elements ("threadId");

CREATE TABLE feedbacks (
    "id"        uuid PRIMARY KEY,
    "forId"     uuid NOT NULL,
    "threadId"  uuid NOT NULL,
    "value"     integer NOT NULL,
    "comment"   text,
    FOREIGN KEY ("threadId") REFERENCES threads ("id") ON DELETE CASCADE
);

-- Hourly rollups of the analytics queries (io.payroute.analytics.Rollup, docs/observability.md). A charge's hour
-- is the hour its id was made in (ids are ULIDs: hours since the epoch of their millisecond time), so an hour's
-- rows are one range of the charges' primary key and of the attempts' (charge_id, seq) key.
--
-- An hour is rolled up from the raw rows when an analytics read first needs it, and only once it has been over
-- for a while (the reader reads the last hours raw). A write to a charge or attempt of an hour that is already
-- over bumps that hour's version in the writer's transaction; a rollup is used only while rolled_version equals
-- version, so a late change (reconciliation, a provider webhook, an asynchronous retry) makes its hour be
-- recomputed on the next read. No rollup row is written on the charge path of a charge settled within its hour.
CREATE TABLE analytics_hours (
    charge_hour         BIGINT        PRIMARY KEY,
    version             BIGINT        NOT NULL,
    rolled_version      BIGINT
);

-- Charges by one dimension (provider, method, currency or bank: dimension_value is that column) and status.
CREATE TABLE analytics_charge_hours (
    charge_hour         BIGINT        NOT NULL,
    merchant_id         VARCHAR(64)   NOT NULL,
    dimension           VARCHAR(16)   NOT NULL,
    dimension_value     VARCHAR(64),
    status              VARCHAR(20)   NOT NULL,
    charges             BIGINT        NOT NULL,
    amount              BIGINT        NOT NULL,
    fees                BIGINT
);
CREATE INDEX analytics_charge_hours_hour ON analytics_charge_hours (charge_hour);

CREATE TABLE analytics_failure_hours (
    charge_hour         BIGINT        NOT NULL,
    merchant_id         VARCHAR(64)   NOT NULL,
    status              VARCHAR(20)   NOT NULL,
    failure_code        VARCHAR(64),
    failure_category    VARCHAR(32),
    charges             BIGINT        NOT NULL
);
CREATE INDEX analytics_failure_hours_hour ON analytics_failure_hours (charge_hour);

-- Finished attempts; started_hour is DATE_TRUNC('hour', started_at), what the hourly time series groups by.
CREATE TABLE analytics_attempt_hours (
    charge_hour         BIGINT        NOT NULL,
    started_hour        TIMESTAMP WITH TIME ZONE NOT NULL,
    merchant_id         VARCHAR(64),
    provider            VARCHAR(40)   NOT NULL,
    outcome             VARCHAR(16)   NOT NULL,
    code                VARCHAR(64),
    attempts            BIGINT        NOT NULL,
    first_picks         BIGINT        NOT NULL
);
CREATE INDEX analytics_attempt_hours_hour ON analytics_attempt_hours (charge_hour);

-- Provider calls per exact latency, so that percentiles stay exact: one row per merchant and provider, the counts
-- as text ("<ms>:<calls> <ms>:<calls> ..."). A row per latency value would be almost as many rows as attempts.
CREATE TABLE analytics_latency_hours (
    charge_hour         BIGINT        NOT NULL,
    merchant_id         VARCHAR(64),
    provider            VARCHAR(40)   NOT NULL,
    calls_by_latency    TEXT          NOT NULL
);
CREATE INDEX analytics_latency_hours_hour ON analytics_latency_hours (charge_hour);

-- Webhooks both ways (docs/webhooks.md).

-- Every event is kept as it was published, so merchants can read it (GET /v1/events) and it can be delivered
-- and redelivered to their endpoints byte for byte.
ALTER TABLE charge_events ADD COLUMN payload TEXT;
CREATE UNIQUE INDEX charge_events_event_id ON charge_events (event_id);

-- Provider webhooks that passed signature verification, one row per provider event: the unique key is what
-- makes a webhook delivered twice apply once. result says what it did: applied, no_change (already known, or
-- older than what is known), unmatched (no attempt has its reference: kept and reported), conflict (contradicts
-- a final charge: an operator must look), ignored (an event type PayRoute does not act on).
CREATE TABLE provider_webhooks (
    id                  VARCHAR(40)   PRIMARY KEY,
    provider            VARCHAR(40)   NOT NULL,
    provider_event_id   VARCHAR(255)  NOT NULL,
    event_type          VARCHAR(100),
    reference           VARCHAR(255),
    provider_reference  VARCHAR(255),
    charge_id           VARCHAR(40),
    status              VARCHAR(20),
    result              VARCHAR(20)   NOT NULL,
    detail              VARCHAR(1000),
    payload_excerpt     VARCHAR(4000),
    received_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    processed_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT provider_webhooks_event UNIQUE (provider, provider_event_id)
);
CREATE INDEX provider_webhooks_result ON provider_webhooks (result, received_at);

-- Merchant webhook endpoints. The signing secret is sealed (AES-GCM under the master key, bound to the endpoint
-- id): it must be recoverable to sign, and is shown to the merchant once. During a rotation the previous secret
-- signs too, until previous_secret_expires_at.
CREATE TABLE webhook_endpoints (
    id                  VARCHAR(40)   PRIMARY KEY,
    merchant_id         VARCHAR(64)   NOT NULL,
    url                 VARCHAR(2048) NOT NULL,
    description         VARCHAR(500),
    enabled_events      VARCHAR(2000) NOT NULL,
    status              VARCHAR(16)   NOT NULL,
    secret              VARCHAR(500)  NOT NULL,
    previous_secret     VARCHAR(500),
    previous_secret_expires_at TIMESTAMP WITH TIME ZONE,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints (merchant_id, status);

-- One delivery of one event to one endpoint, worked through the deliveries queue. dedupe_key makes the fan-out
-- of an event redelivered by the broker create each delivery once. attempts counts the attempts claimed; an
-- attempt is claimed with a conditional update (and a lease, claimed_until), so every attempt is made once on
-- any number of instances.
CREATE TABLE webhook_deliveries (
    id                  VARCHAR(40)   PRIMARY KEY,
    dedupe_key          VARCHAR(120)  NOT NULL,
    event_id            VARCHAR(40)   NOT NULL,
    endpoint_id         VARCHAR(40)   NOT NULL REFERENCES webhook_endpoints (id),
    status              VARCHAR(16)   NOT NULL,
    attempts            INTEGER       DEFAULT 0 NOT NULL,
    next_attempt_at     TIMESTAMP WITH TIME ZONE,
    claimed_until       TIMESTAMP WITH TIME ZONE,
    last_status_code    INTEGER,
    last_error          VARCHAR(1000),
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT webhook_deliveries_dedupe UNIQUE (dedupe_key)
);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

CREATE TABLE webhook_delivery_attempts (
    delivery_id         VARCHAR(40)   NOT NULL REFERENCES webhook_deliveries (id),
    attempt             INTEGER       NOT NULL,
    attempted_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    status_code         INTEGER,
    latency_ms          INTEGER,
    error               VARCHAR(1000),
    PRIMARY KEY (delivery_id, attempt)
);
